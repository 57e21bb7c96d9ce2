//! The login page: its weight and the time to a rendered form.

use crate::harness::*;
use std::process::Command;

/// The login page's weight (its bundle at the top of `dist/` and the JS
/// snippets it imports; `dist/console/` holds the other pages and
/// `dist/app/` the approval app), and the
/// time to a rendered login form at `url`.
pub fn page_phase(url: &str) -> Vec<Row> {
    eprintln!("… page weight and render time");
    let mut weight = (0usize, 0usize);
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from("dist")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "console" && n != "app") {
                    dirs.push(p);
                }
            } else {
                files.push(p);
            }
        }
    }
    // A snippet counts when the page's JS imports it (the crate's other
    // snippets, the approval app's, are copied but never loaded).
    let imports: String = files
        .iter()
        .filter(|p| p.parent() == Some(std::path::Path::new("dist")))
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    for p in files {
        let loaded = !p.starts_with("dist/snippets")
            || imports.contains(p.strip_prefix("dist/").unwrap().to_string_lossy().as_ref());
        if loaded
            && matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        {
            let bytes = std::fs::read(&p).unwrap();
            weight.0 += bytes.len();
            weight.1 += gzip_len(&bytes);
        }
    }
    let render = page_render_ms(url);
    vec![
        row(
            "login page wasm+js+css (KB raw / KB gzip)",
            format!(
                "{:.1} / {:.1}",
                weight.0 as f64 / 1000.0,
                weight.1 as f64 / 1000.0
            ),
            "".into(),
            if weight.1 == 0 {
                "dist/ not built".into()
            } else {
                target_verdict_max(weight.1 as f64 / 1000.0, 150.0, " KB")
            },
        ),
        row(
            "time to a rendered login form, headless Chromium (ms, median of 3)",
            render.map_or("not measured".to_owned(), |m| format!("{m:.0}")),
            "".into(),
            "".into(),
        ),
    ]
}

/// Time from navigation to a visible username field, in headless Chromium
/// driven by bench/page.mjs (playwright-core from tests/browser).
fn page_render_ms(url: &str) -> Option<f64> {
    let out = Command::new("node")
        .args(["bench/page.mjs", url])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "page timing not measured: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}
