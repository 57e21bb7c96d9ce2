//! In the Authentication tab: the draft policy replayed over the last 30
//! days of real logins as the administrator edits it (debounced), in
//! words and as a chart drawn here in SVG, with the users of each changed
//! outcome one click away; and the staged (report-only) policy's panel.

use crate::api;
use crate::components::{Busy, BusyButton, ProblemMessage};
use crate::language::lang;
use crate::text::admin::{self as t, grouped, outcome_label};
use authlevel_core::Policy;
use authlevel_core::replay::{DayCounts, ReplayAnswer, ReplayUser, Replayed, StagedPolicy};
use leptos::prelude::*;
use std::time::Duration;

/// Days a replay covers.
const DAYS: u32 = 30;

/// How long the draft must stay unchanged before it is replayed.
const DEBOUNCE: Duration = Duration::from_millis(400);

/// The chart's colours per outcome (CSS classes, see `style.css`).
fn class_of(outcome: Replayed) -> &'static str {
    match outcome {
        Replayed::Same => "bar-same",
        Replayed::MoreSteps => "bar-more",
        Replayed::FewerSteps => "bar-fewer",
        Replayed::Impossible => "bar-impossible",
    }
}

/// The replay of the draft and the staged policy's panel.
#[component]
pub fn ReplayPanel(directory_id: String, policy: RwSignal<Option<Policy>>) -> impl IntoView {
    let lang = lang();
    let answer = RwSignal::new(None::<ReplayAnswer>);
    let error = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let generation = StoredValue::new(0u64);
    let id = StoredValue::new(directory_id);
    // The replay waits until the draft has stayed the same for DEBOUNCE;
    // a newer draft, or the tab closing, makes a waiting or running one
    // moot (every access below is a `try_`, as the panel may be gone).
    let pending = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(Some(h)) = pending.try_get_value() {
            h.clear();
        }
    });
    Effect::new(move |_| {
        let Some(draft) = policy.get() else {
            return;
        };
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        running.set(true);
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let Some(directory) = id.try_get_value() else {
                    return;
                };
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let result = api::replay(directory, draft, DAYS).await;
                    if generation.try_get_value() != Some(mine) {
                        return;
                    }
                    running.try_set(false);
                    match result {
                        Ok(a) => {
                            error.try_set(None);
                            answer.try_set(Some(a));
                        }
                        Err(e) => {
                            error.try_set(Some(e.message(lang)));
                        }
                    }
                });
            },
            DEBOUNCE,
        )
        .ok();
        pending.set_value(handle);
    });
    view! {
        <section class="replay" aria-labelledby="replay-heading">
            <h2 id="replay-heading">{t::replay_heading(lang)}</h2>
            <ProblemMessage message=error />
            <p class="hint" role="status">
                {move || running.get().then(|| t::replaying(lang))}
            </p>
            {move || answer.get().map(|a| view! { <ReplayView answer=a directory_id=id.get_value() /> })}
        </section>
        <StagedPanel directory_id=id.get_value() policy />
    }
}

/// A replay's counts in words, its chart, and its users.
#[component]
fn ReplayView(answer: ReplayAnswer, directory_id: String) -> impl IntoView {
    let lang = lang();
    if answer.counts.logins == 0 {
        return view! { <p>{t::replay_no_logins(lang)}</p> }.into_any();
    }
    let c = &answer.counts;
    let total = grouped(lang, c.logins);
    let mut words = vec![t::replay_more(lang, &grouped(lang, c.more_steps), &total)];
    words.push(t::replay_impossible(lang, answer.users.impossible));
    if c.fewer_steps > 0 {
        words.push(t::replay_fewer(lang, &grouped(lang, c.fewer_steps)));
    }
    words.push(t::replay_same(lang, &grouped(lang, c.same)));
    let listed = RwSignal::new(None::<(Replayed, Vec<ReplayUser>)>);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(directory_id);
    let users_button = move |outcome: Replayed, n: u64| {
        (n > 0).then(|| {
            view! {
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| {
                        Busy::get()
                            .run(
                                api::replay_users(id.get_value(), outcome),
                                move |page| listed.set(Some((outcome, page.users))),
                                move |e| error.set(Some(e.message(lang))),
                            )
                    }
                >
                    {t::show_users_of(lang, outcome_label(lang, outcome), n)}
                </button>
            }
        })
    };
    let users = answer.users.clone();
    let warn = c.more_steps + c.impossible > 0;
    view! {
        <div class="replay-words" class:warning=warn>
            {words.into_iter().map(|w| view! { <p>{w}</p> }).collect_view()}
        </div>
        <Chart daily=answer.daily.clone() />
        <div class="actions">
            {users_button(Replayed::MoreSteps, users.more_steps)}
            {users_button(Replayed::Impossible, users.impossible)}
            {users_button(Replayed::FewerSteps, users.fewer_steps)}
        </div>
        <ProblemMessage message=error />
        {move || {
            listed
                .get()
                .map(|(outcome, users)| {
                    let csv = api::replay_users_url(&id.get_value(), outcome, true);
                    view! {
                        <h3>{outcome_label(lang, outcome)}</h3>
                        <ul class="replay-users">
                            {users
                                .into_iter()
                                .map(|u| {
                                    let name = if u.username.is_empty() { u.id } else { u.username };
                                    view! { <li>{name} " (" {u.logins} ")"</li> }
                                })
                                .collect_view()}
                        </ul>
                        <a href=csv download="">{t::download_csv(lang)}</a>
                    }
                })
        }}
    }
    .into_any()
}

/// Logins per day, a bar per day stacked by outcome, with a legend.
#[component]
fn Chart(daily: Vec<DayCounts>) -> impl IntoView {
    let lang = lang();
    let days = u32::try_from(daily.len()).unwrap_or(DAYS);
    let most = daily
        .iter()
        .map(|d| d.counts.logins)
        .max()
        .unwrap_or(0)
        .max(1);
    let (w, h, gap) = (10.0_f64, 100.0_f64, 2.0_f64);
    let width = (w + gap) * f64::from(days);
    let bars = daily
        .iter()
        .enumerate()
        .flat_map(|(i, day)| {
            let x = i as f64 * (w + gap);
            let mut y = h;
            Replayed::ALL
                .into_iter()
                .filter_map(|outcome| {
                    let n = day.counts.get(outcome);
                    if n == 0 {
                        return None;
                    }
                    let height = h * n as f64 / most as f64;
                    y -= height;
                    Some(view! {
                        <rect
                            class=class_of(outcome)
                            x=format!("{x:.1}")
                            y=format!("{y:.1}")
                            width=format!("{w:.1}")
                            height=format!("{height:.1}")
                        >
                            <title>{format!("{}: {n} ({})", day.day, outcome_label(lang, outcome))}</title>
                        </rect>
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect_view();
    view! {
        <figure class="replay-chart">
            <svg
                viewBox=format!("0 0 {width:.0} {h:.0}")
                preserveAspectRatio="none"
                role="img"
                aria-label=t::replay_chart(lang, days)
            >
                {bars}
            </svg>
            <figcaption>
                {Replayed::ALL
                    .into_iter()
                    .map(|o| {
                        view! {
                            <span class="legend">
                                <span class=format!("swatch {}", class_of(o)) aria-hidden="true"></span>
                                {outcome_label(lang, o)}
                            </span>
                        }
                    })
                    .collect_view()}
            </figcaption>
        </figure>
    }
}

/// The staged policy: what it would have done since it was staged; stage
/// the draft, make the staged policy active, or drop it.
#[component]
fn StagedPanel(directory_id: String, policy: RwSignal<Option<Policy>>) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let staged = RwSignal::new(None::<StagedPolicy>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let id = StoredValue::new(directory_id);
    let load = move || {
        // Also called once a change is answered, when the tab may be gone.
        let Some(directory) = id.try_get_value() else {
            return;
        };
        busy.run(
            api::staged(directory),
            move |s| staged.set(s),
            move |e| error.set(Some(e.message(lang))),
        );
    };
    load();
    let stage = move |_| {
        let Some(p) = policy.get_untracked() else {
            return;
        };
        notice.set(None);
        busy.run(
            api::stage(id.get_value(), p),
            move |_| load(),
            move |e| error.set(Some(e.message(lang))),
        );
    };
    let promote = move |_| {
        busy.run(
            api::promote(id.get_value()),
            move |_| {
                notice.set(Some(t::promoted(lang)));
                load();
            },
            move |e| error.set(Some(e.message(lang))),
        );
    };
    let unstage = move |_| {
        busy.run(
            api::unstage(id.get_value()),
            move |()| load(),
            move |e| error.set(Some(e.message(lang))),
        );
    };
    view! {
        <section class="staged" aria-labelledby="staged-heading">
            <h2 id="staged-heading">{t::staged_heading(lang)}</h2>
            <ProblemMessage message=error />
            {move || notice.get().map(|n| view! { <p class="ok" role="status">{n}</p> })}
            {move || match staged.get() {
                None => view! { <p>{t::nothing_staged(lang)}</p> }.into_any(),
                Some(s) => {
                    view! {
                        <p>{t::staged_level(lang, s.policy.required_level)}</p>
                        <p>
                            {t::staged_counts(
                                lang,
                                &grouped(lang, s.counts.logins),
                                &grouped(lang, s.counts.more_steps),
                                &grouped(lang, s.counts.impossible),
                            )}
                        </p>
                        <div class="actions">
                            <BusyButton class="primary" on_click=promote>
                                {t::promote(lang)}
                            </BusyButton>
                            <BusyButton class="secondary" on_click=unstage>
                                {t::unstage(lang)}
                            </BusyButton>
                        </div>
                    }
                        .into_any()
                }
            }}
            <div class="actions">
                <BusyButton class="secondary" on_click=stage>
                    {t::stage_draft(lang)}
                </BusyButton>
            </div>
        </section>
    }
}
