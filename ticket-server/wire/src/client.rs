//! HTTP client for the ticket server, and a self-healing event subscription.
//!
//! Used by the kiosk and the counter-display (and by the server's own tests and benchmark), so every
//! program speaks to the server the same way.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use tokio::sync::mpsc;

use crate::event::StreamMessage;
use crate::types::*;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached or the connection broke.
    #[error("ticket server unreachable: {0}")]
    Unreachable(String),
    /// The server answered with an error body.
    #[error("{status}: {} ({})", .body.error.message, .body.error.code)]
    Api { status: u16, body: ErrorBody },
    /// The server answered something that is not what the API promises.
    #[error("unexpected answer from ticket server: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The API error code (`service_closed`, `quota_reached`, …), if the server answered one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error.code),
            _ => None,
        }
    }

    /// True when retrying later may succeed (the server was not reached, or was overloaded).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable(_) => true,
            ClientError::Api { status, .. } => *status >= 500,
            ClientError::Protocol(_) => false,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_decode() {
            ClientError::Protocol(e.to_string())
        } else {
            ClientError::Unreachable(e.to_string())
        }
    }
}

/// A client of one ticket server, authenticated as a device or a user (or not at all).
#[derive(Clone, Debug)]
pub struct Client {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Client {
    /// `base` is the server's root URL, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: &str, token: Option<String>) -> Client {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .build()
            .expect("a reqwest client without TLS always builds");
        Client {
            base: base.trim_end_matches('/').to_string(),
            token,
            http,
        }
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn with_token(&self, token: String) -> Client {
        Client {
            token: Some(token),
            ..self.clone()
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let rb = self.http.request(method, format!("{}{}", self.base, path));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        rb: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        let resp = rb.timeout(Duration::from_secs(10)).send().await?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp.json::<T>().await?);
        }
        let bytes = resp.bytes().await?;
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => Err(ClientError::Api {
                status: status.as_u16(),
                body,
            }),
            Err(_) => Err(ClientError::Protocol(format!(
                "{status}: {}",
                String::from_utf8_lossy(&bytes)
            ))),
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send(self.request(Method::GET, path)).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn health(&self) -> Result<(), ClientError> {
        let resp = self.request(Method::GET, "/healthz").send().await?;
        if resp.status() == StatusCode::OK {
            Ok(())
        } else {
            Err(ClientError::Protocol(format!(
                "healthz answered {}",
                resp.status()
            )))
        }
    }

    pub async fn services(&self) -> Result<ServicesResponse, ClientError> {
        self.get("/api/v1/services").await
    }

    pub async fn counters(&self) -> Result<Vec<CounterView>, ClientError> {
        self.get("/api/v1/counters").await
    }

    /// Issue a ticket (kiosk devices). Acknowledged only once the ticket is on disk.
    pub async fn issue(
        &self,
        service: &str,
        category: Category,
    ) -> Result<IssuedTicket, ClientError> {
        let req = IssueRequest {
            service: service.to_string(),
            category,
        };
        self.post("/api/v1/tickets", &req).await
    }

    /// A booking as its holder sees it (public: the code is the key). The kiosk reads it first, to
    /// say precisely why a check-in cannot happen now (too early, another day, already used).
    pub async fn booking(&self, code: &str) -> Result<crate::booking::BookingView, ClientError> {
        self.get(&format!("/api/v1/bookings/{code}")).await
    }

    /// Check a booking in (kiosk devices): a ticket placed in the queue at the session's start.
    pub async fn check_in(
        &self,
        code: &str,
        category: Category,
    ) -> Result<crate::booking::CheckedIn, ClientError> {
        let req = crate::booking::CheckInRequest { category };
        self.post(&format!("/api/v1/bookings/{code}/check-in"), &req)
            .await
    }

    pub async fn track(&self, code: &str) -> Result<TrackView, ClientError> {
        self.get(&format!("/api/v1/track/{code}")).await
    }

    /// Report the kiosk's printer state, so the supervisor's dashboard shows faults.
    pub async fn report_device_status(
        &self,
        report: &DeviceReport,
    ) -> Result<DeviceView, ClientError> {
        self.post("/api/v1/devices/status", report).await
    }

    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<LoginResponse, ClientError> {
        let req = LoginRequest {
            username: username.into(),
            password: password.into(),
        };
        self.post("/api/v1/login", &req).await
    }

    /// A loket action without a body: `open`, `call-next`, `recall`, `start`, `finish`, `no-show`,
    /// `resume`, `close`.
    pub async fn counter_action(
        &self,
        counter: u32,
        action: &str,
    ) -> Result<CounterActionResult, ClientError> {
        self.post(
            &format!("/api/v1/counters/{counter}/{action}"),
            &serde_json::json!({}),
        )
        .await
    }

    pub async fn call_next(&self, counter: u32) -> Result<CounterActionResult, ClientError> {
        self.counter_action(counter, "call-next").await
    }

    pub async fn call_specific(
        &self,
        counter: u32,
        number: &str,
    ) -> Result<CounterActionResult, ClientError> {
        let req = CallRequest {
            number: number.into(),
        };
        self.post(&format!("/api/v1/counters/{counter}/call"), &req)
            .await
    }

    pub async fn transfer(
        &self,
        counter: u32,
        service: &str,
    ) -> Result<CounterActionResult, ClientError> {
        let req = TransferRequest {
            service: service.into(),
        };
        self.post(&format!("/api/v1/counters/{counter}/transfer"), &req)
            .await
    }

    pub async fn pause(
        &self,
        counter: u32,
        reason: PauseReason,
        note: Option<String>,
    ) -> Result<CounterActionResult, ClientError> {
        let req = PauseRequest { reason, note };
        self.post(&format!("/api/v1/counters/{counter}/pause"), &req)
            .await
    }

    pub async fn stats(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        by: StatsGroup,
    ) -> Result<StatsResponse, ClientError> {
        let by = serde_json::to_value(by).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let by = by.as_str().unwrap_or("service").to_string();
        self.send(self.request(Method::GET, "/api/v1/stats").query(&[
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("by", by),
        ]))
        .await
    }

    /// Subscribe to the live event stream. The returned receiver yields every message in order;
    /// the subscription reconnects by itself (resuming after the last sequence number it delivered)
    /// until the receiver is dropped. `after`: resume from this position instead of a snapshot.
    pub fn subscribe(&self, after: Option<u64>) -> mpsc::Receiver<StreamItem> {
        let (tx, rx) = mpsc::channel(1024);
        let client = self.clone();
        tokio::spawn(async move { client.run_subscription(after, tx).await });
        rx
    }

    async fn run_subscription(self, mut after: Option<u64>, tx: mpsc::Sender<StreamItem>) {
        // Back off quickly to 1 s: a display should be back within 2 s of the server.
        let mut backoff = Duration::from_millis(100);
        loop {
            let mut path = String::from("/api/v1/events");
            if let Some(seq) = after {
                path.push_str(&format!("?after={seq}"));
            }
            match self.request(Method::GET, &path).send().await {
                Ok(resp) if resp.status().is_success() => {
                    if tx.send(StreamItem::Connected).await.is_err() {
                        return;
                    }
                    backoff = Duration::from_millis(100);
                    let mut parser = SseParser::default();
                    let mut body = resp.bytes_stream();
                    'read: while let Some(chunk) = body.next().await {
                        let Ok(chunk) = chunk else { break 'read };
                        for raw in parser.push(&chunk) {
                            match StreamMessage::decode(&raw.event, &raw.data) {
                                Ok(Some(msg)) => {
                                    after = Some(msg.seq());
                                    if tx.send(StreamItem::Message(msg)).await.is_err() {
                                        return;
                                    }
                                }
                                Ok(None) => {}
                                Err(e) => {
                                    tracing::warn!(error = %e, "undecodable event; reconnecting");
                                    break 'read;
                                }
                            }
                        }
                    }
                }
                Ok(resp) => {
                    tracing::warn!(status = %resp.status(), "event stream refused");
                }
                Err(e) => {
                    tracing::debug!(error = %e, "event stream unreachable");
                }
            }
            if tx.send(StreamItem::Disconnected).await.is_err() {
                return;
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(1));
        }
    }
}

/// What a subscription delivers.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamItem {
    /// The stream is (re)connected.
    Connected,
    Message(StreamMessage),
    /// The stream broke; it will reconnect by itself.
    Disconnected,
}

/// One raw Server-Sent Events message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawSse {
    pub event: String,
    pub data: String,
    pub id: Option<String>,
}

/// Incremental Server-Sent Events parser: feed it bytes as they arrive, get whole messages.
#[derive(Default)]
pub struct SseParser {
    buf: Vec<u8>,
    current: RawSse,
}

impl SseParser {
    pub fn push(&mut self, bytes: &[u8]) -> Vec<RawSse> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(nl) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=nl).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                let msg = std::mem::take(&mut self.current);
                if !msg.data.is_empty() || !msg.event.is_empty() {
                    out.push(msg);
                }
                continue;
            }
            if line.starts_with(':') {
                continue; // keep-alive comment
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line, ""),
            };
            match field {
                "event" => self.current.event = value.to_string(),
                "data" => {
                    if !self.current.data.is_empty() {
                        self.current.data.push('\n');
                    }
                    self.current.data.push_str(value);
                }
                "id" => self.current.id = Some(value.to_string()),
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_parser_handles_split_chunks_and_comments() {
        let mut p = SseParser::default();
        assert!(p.push(b": keep-alive\n\nevent: ev").is_empty());
        let msgs =
            p.push(b"ent\nid: 7\ndata: {\"a\":\ndata: 1}\n\nevent: snapshot\r\ndata: x\r\n\r\n");
        assert_eq!(
            msgs,
            vec![
                RawSse {
                    event: "event".into(),
                    data: "{\"a\":\n1}".into(),
                    id: Some("7".into())
                },
                RawSse {
                    event: "snapshot".into(),
                    data: "x".into(),
                    id: None
                }
            ]
        );
    }
}
