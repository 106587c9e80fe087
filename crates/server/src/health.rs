//! `ocomms health`: one `GET /healthz` over plain TCP, for container health checks in an image
//! with no shell and no HTTP client.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Context, bail};

const TIMEOUT: Duration = Duration::from_secs(5);

/// Where to ask: `url` (http://host:port, no TLS), else the listen address, an unspecified
/// one (0.0.0.0, ::) meaning this machine.
pub fn target(url: Option<&str>, listen: SocketAddr) -> anyhow::Result<SocketAddr> {
    let Some(url) = url else {
        let ip = match listen.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        return Ok(SocketAddr::new(ip, listen.port()));
    };
    let parsed = url::Url::parse(url).with_context(|| format!("--url {url:?}"))?;
    if parsed.scheme() != "http" {
        bail!("--url must be http:// (ask the node itself, not the TLS proxy)");
    }
    let host = parsed.host_str().context("--url has no host")?;
    let port = parsed.port_or_known_default().unwrap_or(80);
    (host, port).to_socket_addrs()?.next().with_context(|| format!("{host} does not resolve"))
}

/// Ok when `GET /healthz` at `addr` answers 200.
pub fn probe(addr: SocketAddr) -> anyhow::Result<()> {
    let mut stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).with_context(|| format!("connect to {addr}"))?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 64];
    let mut read = 0;
    while read < 12 {
        let n = stream.read(&mut head[read..])?;
        if n == 0 {
            break;
        }
        read += n;
    }
    let status = String::from_utf8_lossy(&head[..read]);
    match status.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        Some(code) => bail!("{addr} answered {code}"),
        None => bail!("{addr} did not answer HTTP"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_listen_address_is_asked_on_this_machine() {
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(target(None, any).ok(), "127.0.0.1:3000".parse().ok());
        assert_eq!(target(Some("http://127.0.0.1:4000/"), any).ok(), "127.0.0.1:4000".parse().ok());
        assert!(target(Some("https://chat.example.com"), any).is_err());
    }
}
