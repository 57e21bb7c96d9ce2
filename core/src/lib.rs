//! authlevel-core: the policy, the scoring rules, the policy analysis and the
//! wire types of authlevel. Pure: no I/O, no clock, no randomness; it compiles
//! for native and `wasm32-unknown-unknown` so server and browser decide alike.

pub mod api;
pub mod audit;
pub mod error;
pub mod lang;
pub mod method;
pub mod policy;
pub mod progress;
pub mod report;
pub mod text;

pub use audit::AuditKind;
pub use error::ErrorCode;
pub use lang::Lang;
pub use method::{Method, MethodSet, MethodTimes};
pub use policy::{MAX_LEVEL, Points, Policy, Preset};
pub use progress::{
    BlockedReason, Evaluation, LoginOption, LoginStatus, Progress, evaluate, may_attempt,
};
pub use report::{
    EnrolmentCount, Finding, FindingCode, PolicyReport, UserImpact, analyse, can_reach,
    minimal_combinations,
};
