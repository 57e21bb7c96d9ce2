//! Users from a CSV file (`username,display_name,email,phone,role`) in a
//! directory's Users tab: a dry run of the whole file first, listing every
//! row's problem by its line in the file, then the import, sent in parts of
//! [`CHUNK`] rows (each with the header) so a large file shows its
//! progress and no request nears the server's size limit. Rows with
//! problems change nothing; the others are applied.

use crate::api;
use crate::components::{Busy, BusyButton, Feedback, FeedbackView};
use crate::text::admin as t;
use authlevel_core::Lang;
use authlevel_core::api::{ImportError, ImportReport};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Data rows per request of an import.
const CHUNK: usize = 2000;
/// The largest body sent whole: the server takes at most 8 MiB; a dry run
/// of a larger file goes in parts too.
const MAX_BODY: usize = 8 * 1024 * 1024 - 1024;
/// Problems listed at most (the rest are counted).
const LISTED: usize = 500;

/// A CSV text as records: a record ends at a line break outside quotes.
#[derive(Debug, PartialEq, Eq)]
struct Records<'a> {
    /// The header record, ending with its line break.
    header: String,
    /// Each data record that is not blank, with the line of the file it
    /// starts on.
    rows: Vec<(u32, &'a str)>,
}

impl<'a> Records<'a> {
    fn of(text: &'a str) -> Records<'a> {
        let mut all = Vec::new();
        let (mut start, mut start_line, mut line, mut quoted) = (0, 1, 1, false);
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                b'\n' => {
                    line += 1;
                    if !quoted {
                        all.push((start_line, &text[start..=i]));
                        (start, start_line) = (i + 1, line);
                    }
                }
                _ => {}
            }
        }
        if start < text.len() {
            all.push((start_line, &text[start..]));
        }
        let mut records = all.into_iter();
        let (_, header) = records.next().unwrap_or((1, ""));
        let mut header = header.to_owned();
        if !header.ends_with('\n') {
            header.push('\n');
        }
        Records {
            header,
            rows: records.filter(|(_, r)| !r.trim().is_empty()).collect(),
        }
    }

    /// The parts to send: the header and up to `size` rows each, with the
    /// rows' line numbers.
    fn parts(&self, size: usize) -> Vec<Part> {
        let header_lines = self.header.matches('\n').count() as u32;
        self.rows
            .chunks(size.max(1))
            .map(|rows| {
                let mut body = self.header.clone();
                let mut lines = Vec::with_capacity(rows.len());
                // The part's line the next row starts on.
                let mut at = header_lines + 1;
                for (line, row) in rows {
                    lines.push((at, *line));
                    body.push_str(row);
                    if !row.ends_with('\n') {
                        body.push('\n');
                    }
                    at += row.trim_end_matches('\n').matches('\n').count() as u32 + 1;
                }
                Part {
                    body,
                    lines,
                    rows: rows.len() as u32,
                }
            })
            .collect()
    }
}

/// What one request sends, and how its lines map to the file's.
#[derive(Debug)]
struct Part {
    body: String,
    /// (line in the part, line in the file) of each row's first line.
    lines: Vec<(u32, u32)>,
    rows: u32,
}

impl Part {
    /// The file's line of the part's line `at` (the header's lines are
    /// the file's own).
    fn file_line(&self, at: u32) -> u32 {
        match self.lines.iter().rev().find(|(part, _)| *part <= at) {
            Some((part, file)) => file + (at - part),
            None => at,
        }
    }

    /// `report`'s problems with the file's line numbers.
    fn errors(&self, report: ImportReport) -> Vec<ImportError> {
        report
            .errors
            .into_iter()
            .map(|e| ImportError {
                line: self.file_line(e.line),
                ..e
            })
            .collect()
    }
}

/// Adds `part`'s report to `total`.
fn add(total: &mut ImportReport, part: &Part, report: ImportReport) {
    total.rows += report.rows;
    total.created += report.created;
    total.updated += report.updated;
    total.errors.extend(part.errors(report));
}

fn empty_report(dry_run: bool) -> ImportReport {
    ImportReport {
        dry_run,
        rows: 0,
        created: 0,
        updated: 0,
        errors: Vec::new(),
    }
}

/// A report in words: what was (or would be) done, then the rows with
/// problems.
fn summary(lang: Lang, r: &ImportReport) -> String {
    let bad = u32::try_from(r.errors.len()).unwrap_or(u32::MAX);
    if r.dry_run {
        format!(
            "{} {}",
            t::dry_run_checked(lang, r.rows, r.created, r.updated),
            t::dry_run_problems(lang, bad)
        )
    } else {
        format!(
            "{} {}",
            t::import_done(lang, r.rows, r.created, r.updated),
            t::import_left_out(lang, bad)
        )
    }
}

/// The import form of `directory_id`; `on_done` runs after an import.
#[component]
pub fn ImportUsers(
    #[prop(into)] directory_id: String,
    /// Runs after users were imported.
    on_done: Callback<()>,
) -> impl IntoView {
    let busy = Busy::get();
    let feedback = Feedback::new();
    let lang = feedback.lang;
    let dir = StoredValue::new(directory_id);
    // The file's text, once read.
    let text = StoredValue::new(None::<String>);
    let update = RwSignal::new(false);
    let checked = RwSignal::new(None::<ImportReport>);
    let imported = RwSignal::new(None::<ImportReport>);
    // Rows sent of all rows, while an import runs.
    let progress = RwSignal::new(None::<(u32, u32)>);

    let choose = move |ev: leptos::ev::Event| {
        checked.set(None);
        imported.set(None);
        feedback.clear();
        text.set_value(None);
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            return;
        };
        busy.spawn(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(t) => text.set_value(t.as_string()),
                Err(_) => feedback.refuse(t::file_unreadable),
            }
        });
    };

    // Sends the file in parts (`dry_run`: nothing changes), adding up the
    // reports; `progress` while it runs.
    let send = move |dry_run: bool| {
        let Some(csv) = text.get_value() else {
            feedback.refuse(t::choose_csv_first);
            return;
        };
        feedback.clear();
        let update = update.get_untracked();
        let dir = dir.get_value();
        busy.spawn(async move {
            let records = Records::of(&csv);
            let size = if dry_run && csv.len() <= MAX_BODY {
                records.rows.len()
            } else {
                CHUNK
            };
            let parts = records.parts(size);
            let all = records.rows.len() as u32;
            let mut total = empty_report(dry_run);
            let mut sent = 0;
            progress.set((!dry_run || parts.len() > 1).then_some((0, all)));
            for part in &parts {
                match api::import_users(dir.clone(), part.body.clone(), dry_run, update).await {
                    Ok(r) => add(&mut total, part, r),
                    Err(e) => {
                        let message = e.message(lang);
                        feedback.error.set(Some(if dry_run || sent == 0 {
                            message
                        } else {
                            t::import_stopped(lang, sent, all, &message)
                        }));
                        break;
                    }
                }
                sent += part.rows;
                progress.set(progress.get_untracked().map(|_| (sent, all)));
            }
            progress.set(None);
            if sent == 0 && !parts.is_empty() {
                return;
            }
            if dry_run {
                checked.set(Some(total));
            } else {
                checked.set(None);
                imported.set(Some(total));
                on_done.run(());
            }
        });
    };

    let report_view = move |r: ImportReport| {
        let more = r.errors.len().saturating_sub(LISTED);
        view! {
            <p role="status">{summary(lang, &r)}</p>
            <ul class="import-errors">
                {r
                    .errors
                    .into_iter()
                    .take(LISTED)
                    .map(|e| {
                        view! {
                            <li data-line=e.line>{t::line_problem(lang, e.line, &e.message)}</li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="hint">{t::and_more(lang, more)}</p> })}
        }
    };

    view! {
        <section class="import" aria-labelledby="import-heading">
            <h3 id="import-heading">{t::import_title(lang)}</h3>
            <p class="hint">{t::import_hint(lang)}</p>
            <FeedbackView feedback />
            <label for="import-file">{t::csv_file(lang)}</label>
            <input id="import-file" type="file" accept=".csv,text/csv" on:change=choose />
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=move || update.get()
                    on:change=move |ev| {
                        update.set(event_target_checked(&ev));
                        checked.set(None);
                    }
                />
                {t::update_existing(lang)}
            </label>
            <div class="actions">
                <BusyButton class="secondary" on_click=move |_| send(true)>
                    {t::check_file(lang)}
                </BusyButton>
                {move || {
                    checked
                        .with(|c| c.as_ref().map(|r| r.created + r.updated))
                        .map(|n| {
                            view! {
                                <BusyButton
                                    class="primary"
                                    disabled=n == 0
                                    on_click=move |_| send(false)
                                >
                                    {t::import_rows(lang, n)}
                                </BusyButton>
                            }
                        })
                }}
            </div>
            {move || {
                progress
                    .get()
                    .map(|(done, all)| {
                        view! {
                            <div class="import-progress">
                                <progress max=all.max(1) value=done></progress>
                                <p role="status">{t::rows_progress(lang, done, all)}</p>
                            </div>
                        }
                    })
            }}
            {move || checked.get().map(report_view)}
            {move || imported.get().map(report_view)}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "username,display_name,email,phone,role\n\
        ann,Ann,ann@example.com,+41791110001,user\n\
        \n\
        bob,\"Bob \"\"the\"\"\nBuilder\",,+41791110002,user\r\n\
        cid,Cid,,,admin";

    #[test]
    fn records_end_outside_quotes_and_know_their_lines() {
        let r = Records::of(FILE);
        assert_eq!(r.header, "username,display_name,email,phone,role\n");
        let lines: Vec<u32> = r.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 4, 6]);
        assert!(r.rows[1].1.contains("Builder\",,+41791110002,user\r\n"));
    }

    #[test]
    fn parts_carry_the_header_and_map_lines_back_to_the_file() {
        let r = Records::of(FILE);
        let parts = r.parts(2);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.body.starts_with("username,")));
        assert_eq!(parts[0].rows, 2);
        // Part one: header, ann (2), bob (3 and 4).
        assert_eq!(parts[0].file_line(2), 2);
        assert_eq!(parts[0].file_line(3), 4);
        assert_eq!(parts[0].file_line(4), 5);
        // Part two: header, cid (its line 2 is the file's 6).
        assert_eq!(parts[1].file_line(2), 6);
        assert_eq!(parts[1].file_line(1), 1);
        assert!(parts[1].body.ends_with("cid,Cid,,,admin\n"));
        let whole = r.parts(usize::MAX);
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].file_line(5), 6);
    }

    #[test]
    fn reports_add_up_with_the_file_lines() {
        let r = Records::of(FILE);
        let parts = r.parts(2);
        let mut total = empty_report(true);
        let answer = |line| ImportReport {
            dry_run: true,
            rows: 1,
            created: 1,
            updated: 0,
            errors: vec![ImportError {
                line,
                message: "invalid phone number".into(),
            }],
        };
        add(&mut total, &parts[0], answer(3));
        add(&mut total, &parts[1], answer(2));
        assert_eq!(total.rows, 2);
        let lines: Vec<u32> = total.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 6]);
        assert_eq!(
            summary(Lang::En, &total),
            "2 rows checked: 2 would be created and 0 updated. 2 rows have problems and would change nothing."
        );
        assert!(summary(Lang::Nl, &total).starts_with("2 rijen gecontroleerd"));
    }

    #[test]
    fn a_file_without_rows_has_its_header() {
        let r = Records::of("username,display_name,email,phone,role");
        assert_eq!(r.header, "username,display_name,email,phone,role\n");
        assert!(r.rows.is_empty());
        assert!(r.parts(CHUNK).is_empty());
    }
}
