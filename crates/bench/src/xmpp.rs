//! A minimal XMPP-over-WebSocket client (RFC 7395) for the side-by-side benchmark: anonymous
//! SASL, resource binding, joining a multi-user chat room (XEP-0045) and sending groupchat
//! messages — just what `fanout --peer xmpp` needs to drive a peer server through the same
//! scenario, with the same reader loop, as OComms. Stanzas are scanned, not parsed: the load tool
//! shares the machine with the server and must stay cheap.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::api::Socket;

/// Where the peer is and which room the scenario uses.
#[derive(Clone)]
pub struct Room {
    /// `ws://127.0.0.1:5280/ws`
    pub url: String,
    /// The XMPP domain (`localhost`).
    pub domain: String,
    /// The room's bare JID (`bench-…@conference.localhost`).
    pub jid: String,
}

const WAIT: Duration = Duration::from_secs(30);

async fn send(socket: &mut Socket, stanza: String) -> anyhow::Result<()> {
    socket.send(Message::text(stanza)).await.context("xmpp send")
}

/// Reads frames until one satisfies `done`; fails on a stream error or after [`WAIT`].
async fn expect(socket: &mut Socket, what: &str, done: impl Fn(&str) -> bool) -> anyhow::Result<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let frame = tokio::time::timeout_at(deadline.into(), socket.next())
            .await
            .with_context(|| format!("xmpp: no {what} within {WAIT:?}"))?;
        let Some(Ok(Message::Text(text))) = frame else {
            if matches!(frame, Some(Ok(_))) {
                continue;
            }
            bail!("xmpp: socket closed waiting for {what}: {frame:?}");
        };
        if text.contains("<stream:error") || text.contains("<failure") {
            bail!("xmpp: {what}: {text}");
        }
        if done(&text) {
            return Ok(text.to_string());
        }
    }
}

fn open(domain: &str) -> String {
    format!(r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="{domain}" version="1.0"/>"#)
}

/// Connects, authenticates anonymously, binds a resource and joins `room` as `nick`; returns the
/// socket once the room has confirmed the join (status 110), with the time it all took.
pub async fn join(room: &Room, nick: &str) -> anyhow::Result<(Socket, Duration)> {
    let started = Instant::now();
    let mut request = room.url.as_str().into_client_request()?;
    request.headers_mut().insert("sec-websocket-protocol", "xmpp".parse()?);
    let (mut socket, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(request))
        .await
        .context("xmpp connect: timed out")?
        .context("xmpp connect")?;
    send(&mut socket, open(&room.domain)).await?;
    expect(&mut socket, "mechanisms", |t| t.contains("<mechanisms")).await?;
    send(&mut socket, r#"<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="ANONYMOUS"/>"#.into())
        .await?;
    expect(&mut socket, "SASL success", |t| t.contains("<success")).await?;
    send(&mut socket, open(&room.domain)).await?;
    expect(&mut socket, "bind feature", |t| t.contains("<bind")).await?;
    send(
        &mut socket,
        r#"<iq type="set" id="bind"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>"#.into(),
    )
    .await?;
    expect(&mut socket, "bound JID", |t| t.contains("<jid>")).await?;
    send(
        &mut socket,
        format!(
            r#"<presence to="{}/{nick}"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>"#,
            room.jid
        ),
    )
    .await?;
    expect(&mut socket, "room join", |t| {
        t.starts_with("<presence") && (t.contains("code='110'") || t.contains(r#"code="110""#))
    })
    .await?;
    Ok((socket, started.elapsed()))
}

/// Makes a room that `join` just created usable at once (an "instant room", XEP-0045 §10.1.2).
pub async fn unlock(socket: &mut Socket, room: &Room) -> anyhow::Result<()> {
    send(
        socket,
        format!(
            r#"<iq type="set" id="unlock" to="{}"><query xmlns="http://jabber.org/protocol/muc#owner"><x xmlns="jabber:x:data" type="submit"/></query></iq>"#,
            room.jid
        ),
    )
    .await?;
    expect(socket, "room configuration", |t| t.contains(r#"id="unlock""#) || t.contains("id='unlock'"))
        .await?;
    Ok(())
}

/// Sends `body` to the room and waits for the room to reflect it back: the peer's equivalent of
/// an acknowledged `POST /messages`.
pub async fn post(socket: &mut Socket, room: &Room, body: &str) -> anyhow::Result<()> {
    send(socket, format!(r#"<message to="{}" type="groupchat"><body>{body}</body></message>"#, room.jid))
        .await?;
    let mine = format!("<body>{body}</body>");
    expect(socket, "the room's echo", |t| t.contains(&mine)).await?;
    Ok(())
}

/// The `bench <n> <t_us>` body of a groupchat message stanza, if it is one.
pub fn bench_body(frame: &str) -> Option<&str> {
    if !frame.starts_with("<message") {
        return None;
    }
    let start = frame.find("<body>bench ")? + "<body>".len();
    let end = start + frame[start..].find("</body>")?;
    Some(&frame[start..end])
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_bench_body_of_a_groupchat_message() {
        let frame = r#"<message xmlns="jabber:client" type="groupchat" from="r@conference.localhost/sender" to="a@localhost/x"><body>bench 4 999</body></message>"#;
        assert_eq!(super::bench_body(frame), Some("bench 4 999"));
        assert_eq!(super::bench_body("<presence><body>bench 1 2</body></presence>"), None);
        assert_eq!(super::bench_body(r#"<message type="groupchat"><body>hello</body></message>"#), None);
    }
}
