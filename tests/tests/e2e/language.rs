//! Dutch and English (issue 19): the request's language (the `lang`
//! cookie, else `Accept-Language`, else English) for every answer, and
//! the user's stored language for what is sent to them, whatever the
//! browser sends.

use crate::harness::{
    Api, PASSWORD, Resp, create_user, set_policy, two_factor, with_admin, with_admin_env,
};
use crate::receivers::{SmsGateway, SmtpSink};
use serde_json::{Value, json};

const PHONE: &str = "+41791234567";

/// The body of a raw email, quoted-printable undone.
fn body_of(raw: &str) -> String {
    let body = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .map_or(raw, |(_, b)| b);
    body.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// `method path` with a JSON body (or none), and extra headers.
async fn with_headers(
    api: &Api,
    method: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Resp {
    let (path, headers): (String, Vec<(String, String)>) = (
        path.to_owned(),
        headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    );
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    api.raw(move |h, b| {
        let mut req = h.request(method, format!("{b}{path}"));
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        match body {
            Some(body) => req.json(&body),
            None => req.header("content-type", "application/json"),
        }
    })
    .await
}

/// Problems, login messages and the policy report answer in the language
/// the request asks for: `Accept-Language` by its q-values, the `lang`
/// cookie before it, English when neither names Dutch; each answer says
/// which and varies on what chose it.
#[tokio::test]
async fn the_request_language_chooses_the_words_of_every_answer() {
    let (server, admin, dir) = with_admin(&[]).await;
    create_user(&server, &admin, &dir, json!({"username": "nina"})).await;
    let browser = server.client();
    let wrong = json!({"username": "nina", "password": "not the password"});

    let nl = with_headers(
        &browser,
        "POST",
        "/api/login/password",
        Some(wrong.clone()),
        &[("accept-language", "nl-NL,nl;q=0.9,en;q=0.8")],
    )
    .await;
    assert_eq!((nl.status, nl.code()), (401, "invalid_credentials"));
    assert_eq!(nl.json["title"], "Onjuiste gebruikersnaam of wachtwoord");
    assert_eq!(nl.json["detail"], "Onjuiste gebruikersnaam of wachtwoord.");
    assert_eq!(nl.headers["content-language"], "nl");
    let vary: Vec<&str> = nl
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("Accept-Language")),
        "{vary:?}"
    );
    let en = with_headers(
        &browser,
        "POST",
        "/api/login/password",
        Some(wrong.clone()),
        &[("accept-language", "de-DE,en;q=0.5,nl;q=0.4")],
    )
    .await;
    assert_eq!(en.json["title"], "Wrong username or password");
    assert_eq!(en.headers["content-language"], "en");
    // The switch's cookie wins over the browser's header.
    let cookie = with_headers(
        &browser,
        "POST",
        "/api/login/password",
        Some(wrong),
        &[("accept-language", "nl"), ("cookie", "lang=en")],
    )
    .await;
    assert_eq!(cookie.json["title"], "Wrong username or password");

    // A refusal's detail with a value in it, and a bad field.
    let r = with_headers(
        &admin,
        "POST",
        &format!("/api/admin/directories/{dir}/users"),
        Some(json!({"username": "olaf", "phone": "12345"})),
        &[("accept-language", "nl")],
    )
    .await;
    assert_eq!((r.status, r.code()), (400, "invalid_input"));
    assert!(
        r.json["detail"]
            .as_str()
            .unwrap()
            .starts_with("Vul het mobiele nummer in met landcode"),
        "{}",
        r.text
    );
    let r = with_headers(
        &admin,
        "GET",
        "/api/admin/users/unknown-id",
        None,
        &[("accept-language", "nl")],
    )
    .await;
    assert_eq!(r.json["detail"], "Er is geen gebruiker met deze id.");

    // The policy report, and a login that cannot reach the level.
    set_policy(&admin, &dir, two_factor()).await;
    let r = with_headers(
        &admin,
        "GET",
        &format!("/api/admin/directories/{dir}/policy"),
        None,
        &[("accept-language", "nl")],
    )
    .await;
    let warnings: Vec<&str> = r.json["report"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("zouden het niveau niet halen")),
        "{warnings:?}"
    );
    let r = with_headers(
        &server.client(),
        "POST",
        "/api/login/password",
        Some(json!({"username": "nina", "password": PASSWORD})),
        &[("accept-language", "nl")],
    )
    .await;
    assert_eq!(r.json["status"], "blocked", "{}", r.text);
    let message = r.json["message"].as_str().unwrap();
    assert!(
        message.contains("vereiste niveau van 30 punten"),
        "{message}"
    );
    assert!(
        message.contains("Vraag je beheerder om een instellink"),
        "{message}"
    );
    assert!(!message.contains("points"), "{message}");
}

/// Completes the login on `c` with the SMS `code`, then chooses `language`
/// in the profile, from a browser that asks for `browser`.
async fn complete_and_choose(c: &Api, code: &str, language: &str, browser: &'static str) {
    let accept = [("accept-language", browser)];
    let r = with_headers(
        c,
        "POST",
        "/api/login/sms/verify",
        Some(json!({"code": code})),
        &accept,
    )
    .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let r = with_headers(
        c,
        "PATCH",
        "/api/me",
        Some(json!({"language": language})),
        &accept,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["language"], language, "{}", r.text);
}

/// The SMS at the webhook receiver and the email at the SMTP server go in
/// the language the user chose, whatever the browser that asks for them
/// sends; without a choice, in the browser's.
#[tokio::test]
async fn codes_and_notices_go_in_the_users_stored_language() {
    let sms = SmsGateway::start().await;
    let smtp = SmtpSink::start();
    let mut env = sms.env();
    env.extend(smtp.env());
    env.push(("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".into()));
    let (server, admin, dir) = with_admin_env(&env).await;
    create_user(
        &server,
        &admin,
        &dir,
        json!({"username": "piet", "phone": PHONE, "email": "piet@example.com"}),
    )
    .await;

    // No choice yet: the code follows the browser.
    set_policy(&admin, &dir, two_factor()).await;
    let login = |accept: &'static str| {
        let c = server.client();
        async move {
            let r = with_headers(
                &c,
                "POST",
                "/api/login/password",
                Some(json!({"username": "piet", "password": PASSWORD})),
                &[("accept-language", accept)],
            )
            .await;
            assert_eq!(r.json["status"], "in_progress", "{}", r.text);
            c
        }
    };
    let c = login("nl").await;
    let r = with_headers(
        &c,
        "POST",
        "/api/login/sms/send",
        None,
        &[("accept-language", "nl")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        sms.last_to(PHONE)
            .message
            .contains("is je inlogcode voor Default")
    );

    // Piet chooses English, from a Dutch browser, without a fresh login.
    let code = sms.last_to(PHONE).code();
    complete_and_choose(&c, &code, "en", "nl").await;
    let c = login("nl").await;
    with_headers(
        &c,
        "POST",
        "/api/login/sms/send",
        None,
        &[("accept-language", "nl")],
    )
    .await;
    let m = sms.last_to(PHONE).message;
    assert!(m.contains("is your Default login code"), "{m}");

    // Then Dutch, from an English browser: the email code and its subject
    // are Dutch, and so is the notice of a change.
    complete_and_choose(&c, &crate::receivers::first_code(&m), "nl", "en").await;
    let c = login("en").await;
    let r = with_headers(
        &c,
        "POST",
        "/api/login/email/send",
        None,
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mail = smtp
        .all()
        .into_iter()
        .rev()
        .find(|m| m.rcpt_tos.iter().any(|t| t.contains("piet@example.com")))
        .expect("the code email");
    assert!(
        mail.data.contains("Subject: Je inlogcode voor Default"),
        "{}",
        mail.data
    );
    let body = body_of(&mail.data);
    assert!(body.contains("is je inlogcode voor Default"), "{body}");
    assert!(!body.contains("login code"), "{body}");
    let code = crate::receivers::first_code(&body);
    let r = with_headers(
        &c,
        "POST",
        "/api/login/email/verify",
        Some(json!({"code": code})),
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let before = smtp.all().len();
    let r = with_headers(
        &c,
        "POST",
        "/api/me/password",
        Some(json!({"new_password": "another long passphrase"})),
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let notice = smtp.all().into_iter().nth(before).expect("the notice");
    let body = body_of(&notice.data);
    assert!(body.contains("Het wachtwoord is gewijzigd"), "{body}");
    assert!(notice.data.contains("Subject: Een wijziging in je account"));
}
