//! Reusable pieces of the pages. `ProgressBar`, `OptionCard`, `ReportView`
//! and `ProblemMessage` are pure functions of their props.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
pub mod busy;
pub mod code_entry;
pub mod enrol;
pub mod feedback;
pub mod field;
pub mod option_card;
pub mod problem;
pub mod progress;
pub mod recovery;
pub mod relogin;
pub mod report;

pub use busy::{Busy, BusyButton, BusyIndicator};
pub use code_entry::CodeEntry;
pub use enrol::{ContactEnrol, NewPasswordForm, PasskeyEnrol, TotpEnrol};
pub use feedback::{Feedback, FeedbackView};
pub use field::{Autofill, Check, Field, ToggleButton};
pub use option_card::OptionCard;
pub use problem::ProblemMessage;
pub use progress::ProgressBar;
pub use recovery::RecoveryCodesEnrol;
pub use relogin::ReloginDialog;
pub use report::ReportView;
