//! The approval app (SECURITY 38): pairing, a push through a stand-in push
//! service that checks the VAPID JWT and decrypts the payload with its own
//! RFC 8291 code (checked against the RFC's example), approvals with a
//! software authenticator as the phone's device key, and the rules: a
//! wrong number, "this wasn't me", a replay, two phones at once over two
//! instances, expiry, polling without push, a gone subscription, the
//! shared quotas, and the device key offered as a passkey.

use crate::harness::{Api, PASSWORD, Resp, Server, at_once, set_policy, token_of, with_admin_env};
use crate::passkeys::origin;
use crate::receivers::SmtpSink;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use data_encoding::BASE64URL_NOPAD;
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs_proto::{CreationChallengeResponse, RequestChallengeResponse};

// ---- An independent RFC 8291 decryptor ------------------------------------

fn b64(s: &str) -> Vec<u8> {
    BASE64URL_NOPAD
        .decode(s.trim_end_matches('=').as_bytes())
        .unwrap()
}

/// Decrypts an `aes128gcm` Web Push body (RFC 8291 §3, RFC 8188, one
/// record) for the user agent whose private key is `ua_private`.
fn decrypt(body: &[u8], ua_private: &p256::SecretKey, auth: &[u8]) -> Option<Vec<u8>> {
    let salt = body.get(..16)?;
    let id_len = usize::from(*body.get(20)?);
    let as_public = p256::PublicKey::from_sec1_bytes(body.get(21..21 + id_len)?).ok()?;
    let ciphertext = body.get(21 + id_len..)?;
    let shared = p256::ecdh::diffie_hellman(ua_private.to_nonzero_scalar(), as_public.as_affine());
    let ua_public = ua_private.public_key().to_encoded_point(false);
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public.as_bytes());
    key_info.extend_from_slice(as_public.to_encoded_point(false).as_bytes());
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .ok()?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .ok()?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce).ok()?;
    let padded = Aes128Gcm::new_from_slice(&cek)
        .ok()?
        .decrypt(Nonce::from_slice(&nonce), ciphertext)
        .ok()?;
    // The last record ends with 0x02, then padding zeros.
    let end = padded.iter().rposition(|b| *b != 0)?;
    (padded[end] == 2).then(|| padded[..end].to_vec())
}

/// The decryptor reads RFC 8291's own example (Appendix A).
#[test]
fn the_decryptor_reads_the_rfc_8291_example() {
    let ua_private =
        p256::SecretKey::from_slice(&b64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")).unwrap();
    assert_eq!(
        BASE64URL_NOPAD.encode(ua_private.public_key().to_encoded_point(false).as_bytes()),
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    );
    let body = b64(concat!(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
        "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
        "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    ));
    let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
    assert_eq!(
        decrypt(&body, &ua_private, &auth).as_deref(),
        Some(&b"When I grow up, I want to be a watermelon"[..])
    );
    let mut tampered = body.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_eq!(decrypt(&tampered, &ua_private, &auth), None);
}

// ---- A stand-in push service ----------------------------------------------

/// One push it received.
#[derive(Debug, Clone)]
struct Received {
    /// The subscription's path segment.
    id: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A push service on 127.0.0.1: `POST /push/{id}` records the message and
/// answers 201, or what `answers` says for that id (404, 410, 500).
#[derive(Clone)]
struct PushService {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<Vec<(String, u16)>>>,
}

impl PushService {
    async fn start() -> PushService {
        let service = PushService {
            base: String::new(),
            received: Arc::default(),
            answers: Arc::default(),
        };
        let app = Router::new()
            .route("/push/{id}", post(receive))
            .with_state(service.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        PushService { base, ..service }
    }

    /// Answers `status` to pushes for `id` from now on.
    fn answer(&self, id: &str, status: u16) {
        self.answers.lock().unwrap().push((id.to_owned(), status));
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn receive(
    State(s): State<PushService>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    s.received.lock().unwrap().push(Received {
        id: id.clone(),
        headers,
        body: body.to_vec(),
    });
    let answer = s
        .answers
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|(i, _)| *i == id)
        .map(|a| a.1);
    StatusCode::from_u16(answer.unwrap_or(201)).unwrap()
}

/// A browser's push subscription at the stand-in: its keys, kept to
/// decrypt what arrives.
struct Subscription {
    private: p256::SecretKey,
    auth: [u8; 16],
    endpoint: String,
}

impl Subscription {
    fn new(service: &PushService, id: &str) -> Subscription {
        let private = p256::SecretKey::random(&mut rand::rngs::OsRng);
        let mut auth = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut auth);
        Subscription {
            endpoint: format!("{}/push/{id}", service.base),
            private,
            auth,
        }
    }

    fn json(&self) -> Value {
        let public = self.private.public_key().to_encoded_point(false);
        json!({"endpoint": self.endpoint, "keys": {
            "p256dh": BASE64URL_NOPAD.encode(public.as_bytes()),
            "auth": BASE64URL_NOPAD.encode(&self.auth),
        }})
    }
}

/// Checks a push as a push service would (RFC 8030, RFC 8292) and reads its
/// payload (RFC 8291): the headers, the VAPID JWT (ES256 over the server's
/// public key, `aud` the endpoint's origin, `exp` within 24 h), and the
/// decrypted JSON.
fn open(push: &Received, sub: &Subscription, vapid_public: &str, push_base: &str) -> Value {
    let h = |name: &str| {
        push.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    assert_eq!(h("ttl"), "120");
    assert_eq!(h("urgency"), "high");
    assert_eq!(h("content-encoding"), "aes128gcm");
    let auth = h("authorization");
    let rest = auth
        .strip_prefix("vapid t=")
        .expect("a VAPID authorization");
    let (jwt, k) = rest.split_once(", k=").expect("t= and k=");
    assert_eq!(k, vapid_public, "k is the server's VAPID key");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&b64(parts[0])).unwrap();
    assert_eq!(header["alg"], "ES256");
    let claims: Value = serde_json::from_slice(&b64(parts[1])).unwrap();
    assert_eq!(claims["aud"], push_base, "aud is the push service's origin");
    let now = authlevel_server::clock::now();
    let exp = claims["exp"].as_i64().unwrap();
    assert!(
        exp > now && exp <= now + 86_400,
        "exp within 24 h: {claims}"
    );
    assert!(claims["sub"].as_str().is_some_and(|s| !s.is_empty()));
    let key = VerifyingKey::from_sec1_bytes(&b64(k)).unwrap();
    let signature = Signature::from_slice(&b64(parts[2])).unwrap();
    key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("the JWT is signed by the VAPID key");
    let plain = decrypt(&push.body, &sub.private, &sub.auth).expect("the payload decrypts");
    serde_json::from_slice(&plain).unwrap()
}

// ---- The phone ---------------------------------------------------------------

/// A paired phone: its app's token and its device key.
struct Phone {
    token: String,
    key: SoftPasskey,
    id: String,
    /// The device key's credential ID, base64url.
    raw_id: Value,
}

impl Phone {
    /// The device key as an entry of a WebAuthn `allowCredentials`.
    fn approvals_key(&self) -> webauthn_rs_proto::AllowCredentials {
        serde_json::from_value(json!({"type": "public-key", "id": self.raw_id})).unwrap()
    }

    async fn get(&self, server: &Server, path: &str) -> Resp {
        let token = self.token.clone();
        let path = path.to_owned();
        Api::at(&server.base)
            .raw(move |c, base| c.get(format!("{base}{path}")).bearer_auth(token))
            .await
    }

    async fn post(&self, server: &Server, path: &str, body: Value) -> Resp {
        let token = self.token.clone();
        let path = path.to_owned();
        Api::at(&server.base)
            .raw(move |c, base| {
                c.post(format!("{base}{path}"))
                    .bearer_auth(token)
                    .json(&body)
            })
            .await
    }

    /// The approvals waiting for this phone.
    async fn approvals(&self, server: &Server) -> Vec<Value> {
        let r = self.get(server, "/api/app/approvals").await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json.as_array().unwrap().clone()
    }

    /// Picks `choice` and approves, signing the approval's challenge.
    async fn approve(&mut self, server: &Server, approval: &Value, choice: u64) -> Resp {
        let rcr: RequestChallengeResponse =
            serde_json::from_value(approval["challenge"].clone()).unwrap();
        let assertion = self.key.do_authentication(origin(server), rcr).unwrap();
        let path = format!("/api/app/approvals/{}", approval["id"].as_str().unwrap());
        let body = json!({"choice": choice, "decision": "approve", "assertion": assertion});
        self.post(server, &path, body).await
    }
}

/// Pairs a phone with the account `user` is logged in to (fresh): the
/// profile's link, then the app's device key and name, with `push` when
/// given.
async fn pair(server: &Server, user: &Api, name: &str, push: Option<&Subscription>) -> Phone {
    let r = user.post("/api/me/app/pair", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let url = r.json["pair_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/app/#pair=", server.public_url)),
        "{url}"
    );
    assert!(r.json["qr_svg"].as_str().unwrap().contains("<svg"));
    let token = url.split("#pair=").nth(1).unwrap().to_owned();
    let app = Api::at(&server.base);
    let r = app
        .post("/api/app/pair/start", json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ccr: CreationChallengeResponse = serde_json::from_value(r.json).unwrap();
    let mut key = SoftPasskey::new(true);
    let credential = key.do_registration(origin(server), ccr).unwrap();
    let raw_id = serde_json::to_value(&credential).unwrap()["rawId"].clone();
    let mut body = json!({"token": token, "credential": credential, "name": name});
    if let Some(s) = push {
        body["push"] = s.json();
    }
    let r = app.post("/api/app/pair/finish", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    // The link works once.
    let again = app
        .post("/api/app/pair/start", json!({"token": token}))
        .await;
    assert_eq!(again.status, 410, "{}", again.text);
    Phone {
        token: r.json["device_token"].as_str().unwrap().to_owned(),
        id: r.json["device_id"].as_str().unwrap().to_owned(),
        key,
        raw_id,
    }
}

/// Password 20, the app 10 (and nothing else), at level 30.
fn app_policy() -> Value {
    json!({"required_level": 30, "points": {"password": 20, "sms": 10, "email": 0, "totp": 0, "passkey": 30, "recovery": 0, "app": 10}})
}

/// A server whose `ana` (email) is setting up her account by her setup
/// link: the enrolment (fresh by construction, as pairing needs) with her
/// password set. Her directory is under [`app_policy`].
async fn setup(env: &[(&str, String)]) -> (Server, Api, Api) {
    setup_under(env, app_policy()).await
}

/// [`setup`] under `policy`.
async fn setup_under(env: &[(&str, String)], policy: Value) -> (Server, Api, Api) {
    let (server, admin, dir) = with_admin_env(env).await;
    let r = admin
        .post(
            &format!("/api/admin/directories/{dir}/users"),
            json!({"username": "ana", "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Last: once the level is 30, the administrator's password alone is
    // no fresh login for a write (SECURITY 34).
    set_policy(&admin, &dir, policy).await;
    let enrol = server.client();
    let token = token_of(r.json["setup_link"]["url"].as_str().unwrap());
    let r = enrol.post("/api/setup", json!({"token": token})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = enrol
        .post("/api/me/password", json!({"new_password": PASSWORD}))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    (server, admin, enrol)
}

/// A new browser's password step for `ana`; answers the browser.
async fn password_step(server: &Server) -> Api {
    let b = server.client();
    let r = b.password_login("ana", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    b
}

async fn vapid_public(server: &Server) -> String {
    let r = server.client().get("/api/app/vapid").await;
    assert_eq!(r.status, 200);
    r.json["public_key"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn password_and_an_approval_in_the_app_complete_a_30_point_login() {
    let push = PushService::start().await;
    let smtp = SmtpSink::start();
    let (server, _admin, ana) = setup(&smtp.env()).await;
    let sub = Subscription::new(&push, "pixel");
    let mut phone = pair(&server, &ana, "Pixel", Some(&sub)).await;
    let devices = ana.get("/api/me/app/devices").await;
    assert_eq!(devices.json[0]["name"], "Pixel");
    assert_eq!(devices.json[0]["push"], true);

    // A login in another browser: the password, then the app.
    let browser = password_step(&server).await;
    let state = browser.get("/api/login").await;
    let options: Vec<&str> = state.json["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["method"].as_str().unwrap())
        .collect();
    assert!(options.contains(&"app"), "{options:?}");
    let r = browser.post("/api/login/app/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["sent_to"], json!(["Pixel"]));
    assert_eq!(r.json["expires_in_s"], 120);
    let number = r.json["number"].as_u64().unwrap();
    assert!((10..=99).contains(&number));

    // The push: checked and decrypted as the phone would; no secret in it.
    let received = push.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].id, "pixel");
    let payload = open(&received[0], &sub, &vapid_public(&server).await, &push.base);
    assert_eq!(payload["directory"], "Default");
    assert!(
        payload["ip"].is_string() && payload["created_at"].is_i64(),
        "{payload}"
    );
    let text = payload.to_string();
    assert!(!text.contains(&format!("\"{number}\"")) && payload.get("number").is_none());
    assert!(payload.get("choices").is_none() && payload.get("challenge").is_none());

    // Not yet approved: the login page waits.
    assert_eq!(
        browser.get("/api/login").await.json["status"],
        "in_progress"
    );
    let approvals = phone.approvals(&server).await;
    assert_eq!(approvals.len(), 1);
    assert_eq!(approvals[0]["id"], payload["approval"]);
    let choices: Vec<u64> = approvals[0]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(choices.len(), 3);
    assert!(choices.contains(&number));
    let r = phone.approve(&server, &approvals[0], number).await;
    assert_eq!(r.status, 204, "{}", r.text);

    // The login page's next look completes the login, with its session.
    let r = browser.get("/api/login").await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    assert_eq!(r.json["progress"]["verified"], json!(["password", "app"]));
    assert!(
        r.set_cookies().iter().any(|c| c.contains("session")),
        "{:?}",
        r.set_cookies()
    );
    let session = browser.get("/api/session").await;
    assert_eq!(session.json["level"], 30, "{}", session.text);
    assert_eq!(session.json["methods"], json!(["password", "app"]));
    // Answered: the phone has nothing waiting, and the answer is not taken twice.
    assert!(phone.approvals(&server).await.is_empty());
    let replay = phone.approve(&server, &approvals[0], number).await;
    assert_eq!(replay.status, 409, "{}", replay.text);

    // The login ended the setup link's enrolment (SECURITY 35). From the new
    // session (fresh), removing the phone is told, and it is no option any
    // more.
    assert_eq!(ana.get("/api/me/app/devices").await.status, 401);
    let r = browser
        .delete(&format!("/api/me/app/devices/{}", phone.id))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let gone = server.client().password_login("ana", PASSWORD).await;
    assert_eq!(gone.json["status"], "blocked", "{}", gone.text);
    assert_eq!(gone.json["options"], json!([]));
    let mail: Vec<String> = smtp.all().into_iter().map(|m| m.data).collect();
    assert!(
        mail.iter()
            .any(|m| m.contains("paired with the approval app")),
        "{mail:?}"
    );
    assert!(
        mail.iter()
            .any(|m| m.contains("removed from the approval app")),
        "{mail:?}"
    );
}

/// `ana`'s login page after her password, and the approval it sent: the
/// browser, the number, and the approval as the phone sees it.
async fn sent(server: &Server, phone: &Phone) -> (Api, u64, Value) {
    let browser = password_step(server).await;
    let r = browser.post("/api/login/app/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let number = r.json["number"].as_u64().unwrap();
    let approvals = phone.approvals(server).await;
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    (browser, number, approvals[0].clone())
}

/// A number among the approval's choices that is not `number`.
fn wrong(approval: &Value, number: u64) -> u64 {
    approval["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .find(|c| *c != number)
        .unwrap()
}

#[tokio::test]
async fn a_wrong_number_ends_the_approval_and_counts_under_the_lockout() {
    let env = [
        ("AUTHLEVEL_FAILURE_LIMIT", "2".to_owned()),
        ("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".to_owned()),
    ];
    let (server, _admin, ana) = setup(&env).await;
    let mut phone = pair(&server, &ana, "Phone", None).await;

    let (browser, number, approval) = sent(&server, &phone).await;
    let r = phone
        .approve(&server, &approval, wrong(&approval, number))
        .await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"), "{}", r.text);
    // The approval ended: the right number afterwards is too late.
    let r = phone.approve(&server, &approval, number).await;
    assert_eq!((r.status, r.code()), (409, "conflict"), "{}", r.text);
    // The login page is told once, and may send a new one.
    let r = browser.get("/api/login").await;
    assert_eq!(r.json["status"], "in_progress");
    assert_eq!(
        r.json["notices"][0]["kind"], "approval_refused",
        "{}",
        r.text
    );
    assert!(
        browser
            .get("/api/login")
            .await
            .json
            .get("notices")
            .is_none()
    );

    // A second wrong number reaches the limit of 2: the method is locked,
    // and even the right number with a good signature is refused.
    let (_, number, approval) = sent(&server, &phone).await;
    let r = phone
        .approve(&server, &approval, wrong(&approval, number))
        .await;
    assert_eq!(r.status, 401);
    let (browser, number, approval) = sent(&server, &phone).await;
    let r = phone.approve(&server, &approval, number).await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"), "{}", r.text);
    assert_eq!(
        browser.get("/api/login").await.json["status"],
        "in_progress"
    );
}

/// ... and, under a policy that gives `recent_not_me` points, the next
/// login asks for them (DESIGN §4 "Ageing and risk").
#[tokio::test]
async fn this_wasnt_me_ends_the_login_and_tells_the_user() {
    let smtp = SmtpSink::start();
    // Her email is worth 10 here, so her methods reach the raised 40.
    let mut policy = app_policy();
    policy["points"]["email"] = json!(10);
    policy["risk"] = json!({"recent_not_me": 10});
    let (server, admin, ana) = setup_under(&smtp.env(), policy).await;
    let phone = pair(&server, &ana, "Phone", None).await;
    let before = smtp.all().len();
    let (browser, _, approval) = sent(&server, &phone).await;
    let r = browser.get("/api/login").await;
    assert_eq!(r.json["progress"]["required"], 30, "{}", r.text);
    let path = format!("/api/app/approvals/{}", approval["id"].as_str().unwrap());
    let r = phone
        .post(&server, &path, json!({"choice": 0, "decision": "not_me"}))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    // The login is over: no step can follow.
    let r = browser.get("/api/login").await;
    assert_eq!(r.json["progress"]["verified"], json!([]), "{}", r.text);
    let r = browser.post("/api/login/app/send", json!({})).await;
    assert_eq!((r.status, r.code()), (409, "no_login"), "{}", r.text);
    // The user hears of it by email, with the browser's address.
    let mail = smtp.all();
    assert_eq!(mail.len(), before + 1);
    let notice = &mail.last().unwrap().data;
    assert!(
        notice.contains("not you") && notice.contains("127.0.0.1"),
        "{notice}"
    );
    // And it is in the audit log.
    let audit = admin.get("/api/admin/audit?limit=50").await.text;
    assert!(audit.contains("was not theirs"), "{audit}");
    // The next login needs the points of the signal, and says so.
    let r = server.client().password_login("ana", PASSWORD).await;
    assert_eq!(r.json["status"], "in_progress", "{}", r.text);
    assert_eq!(r.json["progress"]["required"], 40, "{}", r.text);
    assert_eq!(
        r.json["progress"]["signals"],
        json!([{"signal": "recent_not_me", "points": 10}]),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn an_approval_after_its_expiry_is_refused() {
    let (server, _admin, ana) = setup(&[]).await;
    let mut phone = pair(&server, &ana, "Phone", None).await;
    let (browser, number, approval) = sent(&server, &phone).await;
    let past = authlevel_server::clock::now() - 1;
    sqlx::query("UPDATE app_approvals SET expires_at = $1")
        .bind(past)
        .execute(&server.db().await)
        .await
        .unwrap();
    assert!(phone.approvals(&server).await.is_empty());
    let r = phone.approve(&server, &approval, number).await;
    assert_eq!((r.status, r.code()), (409, "conflict"), "{}", r.text);
    assert_eq!(
        browser.get("/api/login").await.json["status"],
        "in_progress"
    );
}

#[tokio::test]
async fn without_push_the_app_shows_the_approval_when_opened() {
    let (server, _admin, ana) = setup(&[]).await;
    let mut phone = pair(&server, &ana, "Tablet", None).await;
    let browser = password_step(&server).await;
    let r = browser.post("/api/login/app/send", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["sent_to"], json!([]));
    assert_eq!(r.json["open_app_on"], json!(["Tablet"]));
    let number = r.json["number"].as_u64().unwrap();
    let approvals = phone.approvals(&server).await;
    assert_eq!(approvals.len(), 1);
    assert!(approvals[0]["ip"].is_string() && approvals[0]["directory"] == "Default");
    let r = phone.approve(&server, &approvals[0], number).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(browser.get("/api/login").await.json["status"], "complete");
}

#[tokio::test]
async fn a_gone_subscription_is_forgotten_and_a_failed_push_is_an_error_and_audited() {
    let push = PushService::start().await;
    let (server, admin, ana) = setup(&[]).await;
    let gone = Subscription::new(&push, "gone");
    let phone = pair(&server, &ana, "Old phone", Some(&gone)).await;
    push.answer("gone", 410);
    let browser = password_step(&server).await;
    let r = browser.post("/api/login/app/send", json!({})).await;
    // No push reached the phone: an error, and the approval ended (the
    // number is on no page).
    assert_eq!((r.status, r.code()), (502, "delivery_failed"), "{}", r.text);
    assert!(r.text.contains("Old phone"), "{}", r.text);
    assert!(phone.approvals(&server).await.is_empty());
    let devices = ana.get("/api/me/app/devices").await;
    assert_eq!(
        devices.json[0]["push"], false,
        "the gone subscription is forgotten"
    );
    // A push service that fails is audited, never silent.
    let broken = Subscription::new(&push, "broken");
    let token = phone.token.clone();
    let body = json!({"push": broken.json()});
    let r = Api::at(&server.base)
        .raw(move |c, base| {
            c.put(format!("{base}/api/app/push"))
                .bearer_auth(token)
                .json(&body)
        })
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    push.answer("broken", 500);
    let r = password_step(&server)
        .await
        .post("/api/login/app/send", json!({}))
        .await;
    assert_eq!(r.status, 502, "{}", r.text);
    let audit = admin.get("/api/admin/audit?limit=50").await.text;
    assert!(audit.contains("answered 500"), "{audit}");
    assert!(
        !audit.contains(&broken.endpoint),
        "the endpoint is a capability"
    );
}

#[tokio::test]
async fn sends_share_the_code_quotas_even_in_a_burst_over_two_instances() {
    let env = [
        ("AUTHLEVEL_CODE_PER_ACCOUNT_PER_HOUR", "3".to_owned()),
        // 51 password steps from one address: the login limits stay out of
        // the way of the quota under test.
        ("AUTHLEVEL_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "0".to_owned()),
        (
            "AUTHLEVEL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_MINUTE",
            "0".to_owned(),
        ),
        ("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".to_owned()),
        ("AUTHLEVEL_SECRET_KEY", "ab".repeat(32)),
    ];
    let (a, _admin, ana) = setup(&env).await;
    let b = Server::start_sharing(&a, &[]);
    pair(&a, &ana, "Phone", None).await;
    // One app send; then 50 at once over both instances, each from a
    // browser of its own: two more pass, the rest are 429.
    let first = password_step(&a).await;
    assert_eq!(
        first.post("/api/login/app/send", json!({})).await.status,
        200
    );
    let mut browsers = Vec::new();
    for i in 0..50 {
        let server = if i % 2 == 0 { &a } else { &b };
        browsers.push(password_step(server).await);
    }
    let tasks: Vec<_> = browsers
        .into_iter()
        .map(|c| tokio::spawn(async move { c.post("/api/login/app/send", json!({})).await.status }))
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let passed = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(passed, 2, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    // An email code to the same account is held by the same quota.
    crate::harness::set_policy_cli(&a, &["--points", "email=10"]);
    let r = first.post("/api/login/email/send", json!({})).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "{}", r.text);
}

#[tokio::test]
async fn of_two_phones_answering_at_once_over_two_instances_one_wins() {
    let env = [
        ("AUTHLEVEL_SECRET_KEY", "cd".repeat(32)),
        ("AUTHLEVEL_FAILURE_LIMIT", "100".to_owned()),
    ];
    let (a, _admin, ana) = setup(&env).await;
    let b = Server::start_sharing(&a, &[]);
    let mut one = pair(&a, &ana, "One", None).await;
    let mut two = pair(&a, &ana, "Two", None).await;
    let (browser, number, approval) = sent(&a, &one).await;
    // Each phone signs the challenge once; each answer is sent 25 times,
    // all 50 at once, alternating the instances.
    let mut answers = Vec::new();
    for phone in [&mut one, &mut two] {
        let rcr: RequestChallengeResponse =
            serde_json::from_value(approval["challenge"].clone()).unwrap();
        let assertion = phone.key.do_authentication(origin(&a), rcr).unwrap();
        answers.push((
            phone.token.clone(),
            json!({"choice": number, "decision": "approve", "assertion": assertion}),
        ));
    }
    let path = format!("/api/app/approvals/{}", approval["id"].as_str().unwrap());
    let statuses = at_once(50, |i| {
        let (token, body) = answers[i % 2].clone();
        let base = if i % 4 < 2 { &a.base } else { &b.base }.clone();
        let path = path.clone();
        async move {
            Api::at(&base)
                .raw(move |c, base| {
                    c.post(format!("{base}{path}"))
                        .bearer_auth(token)
                        .json(&body)
                })
                .await
                .status
        }
    })
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 204).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 204 || *s == 409),
        "{statuses:?}"
    );
    // The login takes it once, on either instance.
    let r = browser.to(&b).get("/api/login").await;
    assert_eq!(r.json["status"], "complete", "{}", r.text);
    let again = browser.to(&a).get("/api/login").await;
    assert_ne!(
        again.json["progress"]["verified"],
        json!(["password", "app", "app"])
    );
}

#[tokio::test]
async fn the_device_key_is_never_a_passkey() {
    let (server, _admin, ana) = setup(&[]).await;
    let mut phone = pair(&server, &ana, "Phone", None).await;
    // Its key offered at a passkey login (the browser adds it to the
    // list it was given): refused, as a credential nobody registered.
    let c = server.client();
    let mut rcr = crate::passkeys::start(&c, json!({"username": "ana"})).await;
    let device_key = phone.approvals_key();
    rcr.public_key.allow_credentials.push(device_key);
    let assertion = phone.key.do_authentication(origin(&server), rcr).unwrap();
    let r = crate::passkeys::finish(&c, &assertion).await;
    assert_eq!(
        (r.status, r.code()),
        (401, "invalid_credentials"),
        "{}",
        r.text
    );
    assert_eq!(c.get("/api/session").await.status, 401);
}

#[tokio::test]
async fn a_signature_without_user_verification_or_over_another_challenge_is_refused() {
    let (server, _admin, ana) =
        setup(&[("AUTHLEVEL_CODE_RESEND_COOLDOWN_S", "0".to_owned())]).await;
    let mut phone = pair(&server, &ana, "Phone", None).await;
    let sign = |phone: &mut Phone, approval: &Value, uv: bool| {
        let mut rcr: RequestChallengeResponse =
            serde_json::from_value(approval["challenge"].clone()).unwrap();
        if !uv {
            // The authenticator is asked not to verify the user: the
            // signature is good but lacks the UV flag.
            rcr.public_key.user_verification =
                webauthn_rs_proto::UserVerificationPolicy::Discouraged_DO_NOT_USE;
        }
        phone.key.do_authentication(origin(&server), rcr).unwrap()
    };
    let answer = |approval: &Value, number: u64, assertion| {
        let path = format!("/api/app/approvals/{}", approval["id"].as_str().unwrap());
        (
            path,
            json!({"choice": number, "decision": "approve", "assertion": assertion}),
        )
    };

    // The right number, no user verification: refused, and the approval ends.
    let (browser, number, first) = sent(&server, &phone).await;
    let no_uv = sign(&mut phone, &first, false);
    let (path, body) = answer(&first, number, no_uv);
    let r = phone.post(&server, &path, body).await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"), "{}", r.text);
    assert_eq!(
        browser.get("/api/login").await.json["status"],
        "in_progress"
    );

    // A good signature over the first approval's challenge, sent for the
    // next approval: refused.
    let (browser, number, second) = sent(&server, &phone).await;
    let old = sign(&mut phone, &first, true);
    let (path, body) = answer(&second, number, old);
    let r = phone.post(&server, &path, body).await;
    assert_eq!((r.status, r.code()), (401, "invalid_code"), "{}", r.text);
    assert_eq!(
        browser.get("/api/login").await.json["status"],
        "in_progress"
    );
}
