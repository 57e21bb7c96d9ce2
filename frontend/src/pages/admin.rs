//! `/admin`: a directory's authentication policy, its users, its
//! applications and its recent activity. The analysis is computed in the browser by
//! `authlevel_core::analyse` as the administrator types, with the same code
//! the server runs when it saves.

use crate::api;
use crate::app::LOGIN;
use crate::components::{Busy, BusyButton, ProblemMessage, ReportView};
use crate::pages::audit::AuditLog;
use crate::pages::clients::ClientsAdmin;
use crate::pages::users::UsersAdmin;
use authlevel_core::api::Directory;
use authlevel_core::{Method, MethodSet, Policy, PolicyReport, Preset, analyse};
use leptos::prelude::*;

/// A number typed in a field, when it is one.
fn parse_points(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

/// The policy page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let busy = Busy::get();
    let directories = RwSignal::new(Vec::<Directory>::new());
    let selected = RwSignal::new(None::<String>);
    // The policy being edited, and the one saved on the server.
    let policy = RwSignal::new(None::<Policy>);
    let saved = RwSignal::new(None::<Policy>);
    let enrolments = RwSignal::new(Vec::<MethodSet>::new());
    let error = RwSignal::new(None::<String>);
    let needs_login = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<PolicyReport>);

    let fail = move |e: api::ApiError| {
        if e.status() == Some(401) {
            needs_login.set(true);
        }
        error.set(Some(e.message()));
    };
    let load_policy = move |id: String| {
        policy.set(None);
        notice.set(None);
        refused.set(None);
        busy.run(
            api::policy(id),
            move |r| {
                policy.set(Some(r.policy));
                saved.set(Some(r.policy));
                enrolments.set(r.enrolments);
            },
            fail,
        );
    };
    busy.run(
        api::directories(),
        move |list| {
            let first = list
                .iter()
                .find(|d| d.slug == "default")
                .or(list.first())
                .map(|d| d.id.clone());
            directories.set(list);
            match first {
                Some(id) => {
                    selected.set(Some(id.clone()));
                    load_policy(id);
                }
                None => error.set(Some("You administer no directory.".into())),
            }
        },
        fail,
    );

    // A user was added or changed: the what-if counts them again; the
    // policy being edited stays as it is.
    let users_changed = Callback::new(move |()| {
        let Some(id) = selected.get_untracked() else {
            return;
        };
        // On failure the what-if stays as it was.
        busy.run(
            api::policy(id),
            move |r| enrolments.set(r.enrolments),
            |_| {},
        );
    });
    let report = Memo::new(move |_| {
        policy
            .get()
            .map(|p| enrolments.with(|users| analyse(&p, Some(users))))
    });
    let dirty = move || policy.get() != saved.get();
    let has_errors = move || report.with(|r| r.as_ref().is_some_and(|r| !r.is_ok()));

    let save = move |_| {
        let (Some(id), Some(p)) = (selected.get_untracked(), policy.get_untracked()) else {
            return;
        };
        error.set(None);
        notice.set(None);
        refused.set(None);
        busy.run(
            api::save_policy(id, p),
            move |_| {
                saved.set(Some(p));
                notice.set(Some(
                    "Saved. The policy applies from the next login step.".into(),
                ));
            },
            move |e| {
                refused.set(e.report().cloned());
                fail(e);
            },
        );
    };
    let set_level = move |ev| {
        if let Some(v) = parse_points(&event_target_value(&ev)) {
            policy.update(|p| {
                if let Some(p) = p {
                    p.required_level = v;
                }
            });
        }
    };

    let points_field = move |m: Method| {
        let id = format!("points-{}", m.as_str());
        view! {
            <div class="field">
                <label for=id.clone()>{m.label()}</label>
                <input
                    id=id
                    type="number"
                    inputmode="numeric"
                    min="0"
                    max="1000"
                    step="1"
                    prop:value=move || {
                        policy.get().map(|p| p.points.get(m).to_string()).unwrap_or_default()
                    }
                    on:input=move |ev| {
                        if let Some(v) = parse_points(&event_target_value(&ev)) {
                            policy.update(|p| {
                                if let Some(p) = p {
                                    p.points.set(m, v);
                                }
                            });
                        }
                    }
                />
            </div>
        }
    };

    view! {
        <div class="card wide">
            <h1>"Authentication"</h1>
            <ProblemMessage message=error />
            <Show when=move || needs_login.get()>
                <p>
                    <a href=LOGIN>"Log in"</a>
                    " as an administrator of this directory."
                </p>
            </Show>
            <Show when=move || { directories.with(|d| d.len() > 1) }>
                <label for="directory">"Directory"</label>
                <select
                    id="directory"
                    on:change=move |ev| {
                        let id = event_target_value(&ev);
                        selected.set(Some(id.clone()));
                        load_policy(id);
                    }
                >
                    {move || {
                        directories
                            .get()
                            .into_iter()
                            .map(|d| {
                                let is_selected = selected.get().as_deref() == Some(d.id.as_str());
                                view! {
                                    <option value=d.id.clone() selected=is_selected>
                                        {format!("{} ({})", d.name, d.slug)}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </Show>
            <Show when=move || policy.with(Option::is_some)>
                <form class="policy" on:submit=|ev| ev.prevent_default()>
                    <fieldset class="presets">
                        <legend>"Start from a preset"</legend>
                        {Preset::ALL
                            .into_iter()
                            .map(|preset| {
                                view! {
                                    <button
                                        type="button"
                                        class="secondary"
                                        aria-pressed=move || {
                                            (policy.get().and_then(|p| p.preset()) == Some(preset))
                                                .to_string()
                                        }
                                        on:click=move |_| policy.set(Some(preset.policy()))
                                    >
                                        {preset.label()}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for="required-level">"Required level"</label>
                        <input
                            id="required-level"
                            type="number"
                            inputmode="numeric"
                            min="1"
                            max="1000"
                            step="1"
                            prop:value=move || {
                                policy
                                    .get()
                                    .map(|p| p.required_level.to_string())
                                    .unwrap_or_default()
                            }
                            on:input=set_level
                        />
                    </div>
                    <fieldset class="points-grid">
                        <legend>"Points per method (0 switches a method off)"</legend>
                        {Method::ALL.into_iter().map(points_field).collect_view()}
                    </fieldset>
                    <div class="actions">
                        <BusyButton
                            class="primary"
                            disabled=move || has_errors() || !dirty()
                            on_click=save
                        >
                            "Save"
                        </BusyButton>
                        <button
                            type="button"
                            class="secondary"
                            disabled=move || !dirty()
                            on:click=move |_| policy.set(saved.get_untracked())
                        >
                            "Undo changes"
                        </button>
                        {move || dirty().then(|| view! { <span class="hint">"Unsaved changes"</span> })}
                    </div>
                    {move || notice.get().map(|n| view! { <p class="ok" role="status">{n}</p> })}
                </form>
                {move || {
                    refused
                        .get()
                        .map(|r| {
                            view! {
                                <h2>"The server refused the policy"</h2>
                                <ReportView report=r />
                            }
                        })
                }}
                <h2>"What this policy does"</h2>
                {move || report.get().map(|r| view! { <ReportView report=r /> })}
            </Show>
            {move || {
                selected
                    .get()
                    .map(|id| {
                        view! {
                            <UsersAdmin directory_id=id.clone() policy=saved on_change=users_changed />
                            <ClientsAdmin directory_id=id.clone() />
                            <AuditLog directory_id=id />
                        }
                    })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_points;

    #[test]
    fn points_are_whole_numbers() {
        assert_eq!(parse_points(" 30 "), Some(30));
        assert_eq!(parse_points(""), None);
        assert_eq!(parse_points("-1"), None);
        assert_eq!(parse_points("2.5"), None);
    }
}
