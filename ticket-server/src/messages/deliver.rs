//! The delivery worker: POSTs each due message to the gateway, signed, with its idempotency key,
//! and records what became of it: delivered, retried later (exponential backoff with jitter), or
//! failed after the last attempt. Waits between attempts follow the server's clock, so a test
//! that moves its manual clock past a retry's time gets the retry then.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

use super::Messages;
use crate::config::MessageRules;
use crate::store::messages::{self as store, Attempted, Due};

/// Messages sent at once (a gateway that times out must not hold up the others).
const IN_FLIGHT: usize = 8;
/// Messages read per round.
pub(super) const BATCH: u32 = 64;

/// `t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<body>">`: the gateway recomputes it with the shared
/// secret, compares in constant time, and refuses a `t` far from its own clock (replays).
pub fn signature(secret: &str, unix: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(unix.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={unix},v1={hex}")
}

/// The wait before attempt `attempts + 1`: `base · 2^(attempts-1)` up to `cap`, then a random
/// share of its second half taken off, so messages that failed together do not retry together.
pub fn backoff(rules: &MessageRules, attempts: u32, jitter: f64) -> Duration {
    let exp = attempts.saturating_sub(1).min(20);
    let full = u64::from(rules.backoff_secs)
        .saturating_mul(1 << exp)
        .min(u64::from(rules.backoff_max_secs));
    let ms = full * 1000;
    Duration::from_millis(ms - (ms as f64 / 2.0 * jitter.clamp(0.0, 1.0)) as u64)
}

/// Send every message due now; returns how many were attempted.
pub(super) async fn deliver_due(m: &Arc<Messages>, rules: &MessageRules) -> usize {
    let Some(url) = rules.webhook_url.clone() else {
        return 0;
    };
    let now = m.clock.now().timestamp_millis();
    let due = match m.with_db(move |c| store::due(c, now, BATCH)).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "messages: cannot read the outbox");
            return 0;
        }
    };
    let n = due.len();
    if n == 0 {
        return 0;
    }
    let client = match reqwest::Client::builder()
        .timeout(rules.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "messages: cannot make an HTTP client");
            return 0;
        }
    };
    let outcomes: Vec<(u64, Attempted)> = futures_util::stream::iter(due)
        .map(|d| {
            let (client, url) = (&client, url.as_str());
            async move { (d.id, attempt(m, client, url, rules, d).await) }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    for (_, outcome) in &outcomes {
        m.count(outcome);
    }
    let at = m.clock.now().timestamp_millis();
    let recorded = m
        .with_db(move |c| {
            for (id, outcome) in &outcomes {
                store::record_attempt(c, *id, outcome, at)?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = recorded {
        // Not recorded: they are due again, and sent again under the same keys (at least once).
        tracing::error!(error = %e, "messages: cannot record the attempts");
    }
    n
}

/// One attempt at one message.
async fn attempt(
    m: &Messages,
    client: &reqwest::Client,
    url: &str,
    rules: &MessageRules,
    d: Due,
) -> Attempted {
    let Some(phone) = d.phone.as_deref() else {
        return Attempted::NoRecipient;
    };
    let body = match with_phone(&d.body, phone) {
        Some(b) => b,
        None => {
            return Attempted::Failed {
                error: "the stored message is not a JSON object".into(),
                http_status: None,
            }
        }
    };
    let unix = m.clock.now().timestamp();
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("idempotency-key", &d.key)
        .header("x-antri-signature", signature(&rules.secret, unix, &body))
        .body(body)
        .send()
        .await;
    let attempts = d.attempts + 1;
    let (error, http_status) = match sent {
        Ok(r) if r.status().is_success() => {
            return Attempted::Delivered {
                http_status: r.status().as_u16(),
            }
        }
        Ok(r) => {
            let status = r.status();
            // A refusal (bad signature, unknown number) is not cured by asking again; a timeout
            // or a busy gateway (408, 429) and its own failures (5xx) may be.
            if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
                return Attempted::Failed {
                    error: format!("refused: HTTP {}", status.as_u16()),
                    http_status: Some(status.as_u16()),
                };
            }
            (format!("HTTP {}", status.as_u16()), Some(status.as_u16()))
        }
        Err(e) if e.is_timeout() => (
            format!("no answer within {} ms", rules.timeout.as_millis()),
            None,
        ),
        Err(e) if e.is_connect() => (format!("cannot connect: {}", root_cause(&e)), None),
        Err(e) => (format!("failed: {}", root_cause(&e)), None),
    };
    if attempts >= rules.max_attempts {
        return Attempted::Failed {
            error: format!("{error} (after {attempts} attempts)"),
            http_status,
        };
    }
    let wait = backoff(rules, attempts, rand::thread_rng().gen::<f64>());
    Attempted::Retry {
        next_at: m.clock.now().timestamp_millis() + wait.as_millis() as i64,
        error,
        http_status,
    }
}

/// The innermost error's words (reqwest's own say only "error sending request").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}

/// The stored body with the number the gateway must send to, as `to`: `+62…` when it is an
/// Indonesian mobile number (a booking's is kept as typed), else as it is.
fn with_phone(body: &str, phone: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(body).ok()?;
    let to = super::phone::indonesian_mobile(phone).unwrap_or_else(|_| phone.to_string());
    v.as_object_mut()?
        .insert("to".into(), serde_json::Value::String(to));
    serde_json::to_string(&v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_time_dot_body() {
        // Computed independently: Python's hmac.new(b"Jefe", b'1764000000.{"kind":"called"}',
        // hashlib.sha256).hexdigest().
        assert_eq!(
            signature("Jefe", 1_764_000_000, r#"{"kind":"called"}"#),
            "t=1764000000,v1=2d00331e8d8fe4ba859e614248dd714c6ae5e2db670067331bcefbf312461c6c"
        );
        assert_ne!(
            signature("Jeff", 1_764_000_000, r#"{"kind":"called"}"#),
            signature("Jefe", 1_764_000_000, r#"{"kind":"called"}"#)
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_below_it() {
        let rules = crate::config::Config::example().messages;
        let (base, cap) = (rules.backoff_secs as u64, rules.backoff_max_secs as u64);
        assert_eq!(backoff(&rules, 1, 0.0), Duration::from_secs(base));
        assert_eq!(backoff(&rules, 2, 0.0), Duration::from_secs(2 * base));
        assert_eq!(backoff(&rules, 40, 0.0), Duration::from_secs(cap));
        assert_eq!(backoff(&rules, 1, 1.0), Duration::from_millis(base * 500));
        assert!(backoff(&rules, 3, 0.5) < backoff(&rules, 3, 0.0));
    }
}
