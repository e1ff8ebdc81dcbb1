//! A real SMTP server for integration tests: plain TCP on 127.0.0.1 (no TLS), enough of
//! RFC 5321 for lettre's client, every accepted message kept in memory.
//!
//! ```ignore
//! let peer = SmtpPeer::start().await;
//! // configure openslot with `peer.url()` ("smtp://127.0.0.1:PORT"), trigger a mail...
//! let got = peer.wait_for_count(1, Duration::from_secs(10)).await;
//! assert_eq!(got[0].rcpt_to, ["alice@example.com"]);
//! assert_eq!(got[0].header("Subject").as_deref(), Some("Booking confirmed"));
//! peer.set_down(true); // new connections and next commands get 421
//! peer.set_reject_next(2); // the next two end-of-DATA get 451, message dropped
//! peer.stop(); // port freed at once; `SmtpPeer::start_on(port)` brings it back
//! peer.freeze_next(Freeze::AfterGreeting, 1); // the next connection stops answering
//! peer.freeze_open(); // open (e.g. pooled) connections stop answering at their next command
//! peer.thaw(); // frozen connections are closed, their transactions dropped
//! ```
//!
//! Hand-written rather than a crate: the fault tests need byte-level control (withhold one
//! reply, notice the client closing a frozen connection or writing on it), and the embeddable
//! servers on crates.io cannot do that (mailin-embedded 0.8: blocking handlers on a fixed
//! thread pool, no way to withhold a reply without parking a pool thread, no shutdown).
//!
//! Also here: small MIME helpers for assertions ([`header`], [`decode_words`], [`body`],
//! [`text_part`]).

#![allow(dead_code)]

use std::{
    fmt::Write as _,
    future::poll_fn,
    io,
    net::{Ipv4Addr, SocketAddr},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex, MutexGuard,
    },
    task::Poll,
    time::Duration,
};

use tokio::{
    io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{
        tcp::{OwnedReadHalf, OwnedWriteHalf},
        TcpListener, TcpSocket, TcpStream,
    },
    task::AbortHandle,
    time::Instant,
};

/// Largest message accepted (advertised as `SIZE`); larger ones get 552 and are not stored.
pub const MAX_MESSAGE_BYTES: usize = 10_485_760;
/// Longest command line accepted.
const MAX_COMMAND_BYTES: u64 = 64 * 1024;

/// One message accepted with `250` at the end of DATA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Reverse path of `MAIL FROM:<...>`, without the angle brackets (empty for `<>`).
    pub mail_from: String,
    /// Forward paths of every accepted `RCPT TO:<...>`, in order, without angle brackets.
    pub rcpt_to: Vec<String>,
    /// The raw RFC 5322 message as received: CRLF line endings, dot-unstuffed, without the
    /// terminating `.` line. Per RFC 5321 the CRLF before the `.` belongs to the message, so
    /// for lettre this is `message.formatted()` followed by `\r\n`.
    pub data: Vec<u8>,
}

impl Received {
    /// First top-level header `name` (case-insensitive), unfolded, not decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        header(&self.data, name)
    }

    /// Like [`Received::header`], with RFC 2047 encoded words decoded.
    pub fn header_decoded(&self, name: &str) -> Option<String> {
        self.header(name).map(|v| decode_words(&v))
    }

    /// The raw body: the bytes after the blank line that ends the top-level header block.
    pub fn body(&self) -> &[u8] {
        body(&self.data)
    }

    /// The decoded text of the first part of type `mime_type` (e.g. "text/plain").
    pub fn text_part(&self, mime_type: &str) -> Option<String> {
        text_part(&self.data, mime_type)
    }

    /// The whole raw message as (lossy) UTF-8 text.
    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// Credentials a client sent with `AUTH` (accepted whatever they are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthAttempt {
    /// "PLAIN" or "LOGIN".
    pub mechanism: String,
    pub username: String,
    pub password: String,
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<Received>>,
    auths: Mutex<Vec<AuthAttempt>>,
    down: AtomicBool,
    reject_next: AtomicUsize,
    advertise_auth: AtomicBool,
    connections: AtomicUsize,
    /// Where the next connections freeze, and how many of them.
    freeze_next: Mutex<Option<(Freeze, usize)>>,
    /// Connections numbered below this freeze at their next command.
    freeze_below: AtomicUsize,
    /// Connections that reached a freeze point.
    frozen: AtomicUsize,
    /// Frozen connections still open.
    frozen_open: AtomicUsize,
    /// Bytes a client wrote on a connection after it froze while waiting for a reply.
    written_after_freeze: AtomicUsize,
    /// Set by `thaw`.
    thawed: Mutex<Option<tokio::sync::watch::Sender<bool>>>,
    /// Taken (and so closed) by `stop`; the accept loop polls it under the lock.
    listener: Mutex<Option<TcpListener>>,
    /// Accept loop and connection tasks, aborted by `stop`.
    tasks: Mutex<Vec<AbortHandle>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Where a frozen connection stops answering; it then answers nothing until
/// [`SmtpPeer::thaw`], and notes whether the client closes it or writes on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freeze {
    /// Accepts TCP, never sends the greeting.
    NoGreeting,
    /// Greets, then never answers EHLO.
    AfterGreeting,
    /// Never answers the `DATA` command.
    AfterDataCommand,
    /// Reads the whole message, never answers the final `.` (the message is not kept).
    AfterDataEnd,
    /// Never answers the next command (set through [`SmtpPeer::freeze_open`]).
    NextCommand,
}

/// An SMTP server on 127.0.0.1 serving each connection in its own tokio task.
/// Dropping it stops it (like [`SmtpPeer::stop`]).
pub struct SmtpPeer {
    port: u16,
    shared: Arc<Shared>,
}

impl SmtpPeer {
    /// Binds 127.0.0.1:0 and starts serving.
    pub async fn start() -> SmtpPeer {
        SmtpPeer::start_on(0).await
    }

    /// Binds 127.0.0.1:`port` (`SO_REUSEADDR`, retrying for up to 5 s while the port is still
    /// in use) and starts serving. Panics if the port cannot be bound.
    pub async fn start_on(port: u16) -> SmtpPeer {
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match bind(port) {
                Ok(listener) => break listener,
                Err(e) if e.kind() == io::ErrorKind::AddrInUse && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("SmtpPeer: cannot bind 127.0.0.1:{port}: {e}"),
            }
        };
        let port = listener
            .local_addr()
            .expect("SmtpPeer: listener address")
            .port();
        let shared = Arc::new(Shared::default());
        *lock(&shared.listener) = Some(listener);
        *lock(&shared.thawed) = Some(tokio::sync::watch::channel(false).0);
        let task = tokio::spawn(accept_loop(shared.clone()));
        lock(&shared.tasks).push(task.abort_handle());
        SmtpPeer { port, shared }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:PORT`: plain SMTP, what lettre's `from_url` wants.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// All messages accepted so far, in order of acceptance.
    pub fn messages(&self) -> Vec<Received> {
        lock(&self.shared.messages).clone()
    }

    pub fn count(&self) -> usize {
        lock(&self.shared.messages).len()
    }

    /// Forgets the messages accepted so far.
    pub fn clear(&self) {
        lock(&self.shared.messages).clear();
    }

    /// Number of TCP connections accepted so far (including those refused with 421).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Credentials sent with AUTH so far.
    pub fn auths(&self) -> Vec<AuthAttempt> {
        lock(&self.shared.auths).clone()
    }

    /// Waits (polling every 20 ms) until at least `n` messages arrived and returns them all;
    /// panics after `timeout` with a list of what did arrive.
    pub async fn wait_for_count(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            if Instant::now() >= deadline {
                let mut listing = String::new();
                for (i, m) in messages.iter().enumerate() {
                    let _ = writeln!(
                        listing,
                        "  #{i}: from <{}> to {:?}, Subject: {:?}, {} bytes",
                        m.mail_from,
                        m.rcpt_to,
                        m.header_decoded("Subject"),
                        m.data.len()
                    );
                }
                panic!(
                    "SmtpPeer on port {}: waited {timeout:?} for {n} message(s), got {} \
                     ({} connection(s) accepted, down: {}, reject_next: {}){}{listing}",
                    self.port,
                    messages.len(),
                    self.connections(),
                    self.shared.down.load(Ordering::SeqCst),
                    self.shared.reject_next.load(Ordering::SeqCst),
                    if messages.is_empty() { "" } else { ":\n" },
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// While down, new connections get `421` and are closed, and open connections get `421`
    /// in reply to their next command (or at the end of DATA) and are closed.
    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, Ordering::SeqCst);
    }

    /// The next `n` messages get `451` at the end of DATA and are not stored.
    pub fn set_reject_next(&self, n: usize) {
        self.shared.reject_next.store(n, Ordering::SeqCst);
    }

    /// Advertise `AUTH PLAIN LOGIN` in the EHLO reply (off by default). lettre only tries to
    /// authenticate when given credentials, and then fails with "No compatible authentication
    /// mechanism was found" unless the server advertises one: turn this on for that case.
    /// AUTH is accepted (235) either way; see [`SmtpPeer::auths`].
    pub fn set_advertise_auth(&self, advertise: bool) {
        self.shared
            .advertise_auth
            .store(advertise, Ordering::SeqCst);
    }

    /// The next `connections` new connections freeze at `point`.
    pub fn freeze_next(&self, point: Freeze, connections: usize) {
        self.unthaw();
        *lock(&self.shared.freeze_next) = Some((point, connections));
    }

    /// Connections open now (a client's pooled ones, say) freeze at their next command,
    /// as if a NAT had silently forgotten them; new connections are served normally.
    pub fn freeze_open(&self) {
        self.unthaw();
        self.shared.freeze_below.store(
            self.shared.connections.load(Ordering::SeqCst),
            Ordering::SeqCst,
        );
    }

    /// Recovery: frozen connections are closed without a reply (a transaction in progress
    /// is dropped), and nothing freezes any more.
    pub fn thaw(&self) {
        *lock(&self.shared.freeze_next) = None;
        self.shared.freeze_below.store(0, Ordering::SeqCst);
        if let Some(sender) = lock(&self.shared.thawed).as_ref() {
            let _ = sender.send(true);
        }
    }

    fn unthaw(&self) {
        if let Some(sender) = lock(&self.shared.thawed).as_ref() {
            sender.send_replace(false);
        }
    }

    /// Connections that reached a freeze point so far.
    pub fn frozen(&self) -> usize {
        self.shared.frozen.load(Ordering::SeqCst)
    }

    /// Frozen connections the client has not closed yet (and not thawed).
    pub fn frozen_open(&self) -> usize {
        self.shared.frozen_open.load(Ordering::SeqCst)
    }

    /// Bytes clients wrote on connections frozen while awaiting a reply: a client that
    /// gave up on a connection must never use it again, so this stays 0.
    pub fn written_after_freeze(&self) -> usize {
        self.shared.written_after_freeze.load(Ordering::SeqCst)
    }

    /// Closes the listener at once (the port is free when this returns: connecting gets
    /// "connection refused") and aborts the accept loop and every open connection.
    /// Messages stay readable. Idempotent.
    pub fn stop(&self) {
        drop(lock(&self.shared.listener).take());
        for task in lock(&self.shared.tasks).drain(..) {
            task.abort();
        }
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn bind(port: u16) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    socket.listen(128)
}

async fn accept_loop(shared: Arc<Shared>) {
    loop {
        let accepted = poll_fn(|cx| match lock(&shared.listener).as_ref() {
            None => Poll::Ready(None),
            Some(listener) => listener.poll_accept(cx).map(Some),
        })
        .await;
        match accepted {
            None => return,
            Some(Ok((stream, _))) => {
                let number = shared.connections.fetch_add(1, Ordering::SeqCst);
                let freeze = {
                    let mut next = lock(&shared.freeze_next);
                    match next.as_mut() {
                        Some((point, remaining)) if *remaining > 0 => {
                            *remaining -= 1;
                            Some(*point)
                        }
                        _ => None,
                    }
                };
                let task = tokio::spawn(serve(stream, shared.clone(), number, freeze));
                let mut tasks = lock(&shared.tasks);
                tasks.retain(|t| !t.is_finished());
                tasks.push(task.abort_handle());
            }
            // e.g. EMFILE, ECONNABORTED: keep serving.
            Some(Err(_)) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// What to do with the connection after a reply.
enum Next {
    Continue,
    Close,
}

struct Conn {
    rd: BufReader<OwnedReadHalf>,
    wr: OwnedWriteHalf,
    shared: Arc<Shared>,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
    /// Accept order, from 0.
    number: usize,
    freeze: Option<Freeze>,
}

async fn serve(stream: TcpStream, shared: Arc<Shared>, number: usize, freeze: Option<Freeze>) {
    let _ = stream.set_nodelay(true);
    let (rd, wr) = stream.into_split();
    let mut conn = Conn {
        rd: BufReader::new(rd),
        wr,
        shared,
        mail_from: None,
        rcpt_to: Vec::new(),
        number,
        freeze,
    };
    let _ = conn.run().await;
}

impl Conn {
    fn is_down(&self) -> bool {
        self.shared.down.load(Ordering::SeqCst)
    }

    async fn reply(&mut self, line: &str) -> io::Result<()> {
        self.wr.write_all(format!("{line}\r\n").as_bytes()).await
    }

    async fn read_line(&mut self) -> io::Result<Option<String>> {
        let mut line = Vec::new();
        let n = (&mut self.rd)
            .take(MAX_COMMAND_BYTES)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
    }

    /// Replies 421 and closes: FIN first, then drain what the client still sends (lettre
    /// sends QUIT) so that the close is not turned into a RST that could eat the 421.
    async fn service_unavailable(&mut self) -> io::Result<()> {
        self.reply("421 4.3.2 Service not available, closing transmission channel")
            .await?;
        self.wr.shutdown().await?;
        let mut sink = [0u8; 1024];
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while matches!(self.rd.read(&mut sink).await, Ok(n) if n > 0) {}
        })
        .await;
        Ok(())
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.rcpt_to.clear();
    }

    fn freezes_at(&self, point: Freeze) -> bool {
        self.freeze == Some(point)
            || (point == Freeze::NextCommand
                && self.number < self.shared.freeze_below.load(Ordering::SeqCst))
    }

    /// Answers nothing more: waits for `thaw` (then closes) or for the client to close,
    /// counting any bytes the client still writes.
    async fn frozen(&mut self) -> io::Result<Next> {
        self.shared.frozen.fetch_add(1, Ordering::SeqCst);
        self.shared.frozen_open.fetch_add(1, Ordering::SeqCst);
        let mut thawed = match lock(&self.shared.thawed).as_ref() {
            Some(sender) => sender.subscribe(),
            None => tokio::sync::watch::channel(true).1,
        };
        let mut sink = [0u8; 4096];
        loop {
            tokio::select! {
                _ = thawed.wait_for(|thawed| *thawed) => break,
                read = self.rd.read(&mut sink) => match read {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        self.shared.written_after_freeze.fetch_add(n, Ordering::SeqCst);
                    }
                },
            }
        }
        self.shared.frozen_open.fetch_sub(1, Ordering::SeqCst);
        self.reset();
        Ok(Next::Close)
    }

    async fn run(&mut self) -> io::Result<()> {
        if self.is_down() {
            return self.service_unavailable().await;
        }
        if self.freezes_at(Freeze::NoGreeting) {
            self.frozen().await?;
            return Ok(());
        }
        self.reply("220 localhost ESMTP openslot test peer").await?;
        let mut greeted = false;
        while let Some(line) = self.read_line().await? {
            if self.is_down() {
                return self.service_unavailable().await;
            }
            let first = !greeted;
            greeted = true;
            if (first && self.freezes_at(Freeze::AfterGreeting))
                || self.freezes_at(Freeze::NextCommand)
            {
                self.frozen().await?;
                return Ok(());
            }
            let (verb, arg) = match line.split_once(' ') {
                Some((verb, arg)) => (verb.to_ascii_uppercase(), arg.trim()),
                None => (line.to_ascii_uppercase(), ""),
            };
            match self.command(&verb, arg).await? {
                Next::Continue => {}
                Next::Close => break,
            }
        }
        let _ = self.wr.shutdown().await;
        Ok(())
    }

    async fn command(&mut self, verb: &str, arg: &str) -> io::Result<Next> {
        match verb {
            "EHLO" => {
                self.reset();
                let mut lines = vec!["250-localhost", "250-8BITMIME", "250-SMTPUTF8"];
                if self.shared.advertise_auth.load(Ordering::SeqCst) {
                    lines.push("250-AUTH PLAIN LOGIN");
                }
                let size = format!("250 SIZE {MAX_MESSAGE_BYTES}");
                lines.push(&size);
                self.reply(&lines.join("\r\n")).await?;
            }
            "HELO" => {
                self.reset();
                self.reply("250 localhost").await?;
            }
            "MAIL" => match path_arg(arg, "FROM:") {
                _ if self.mail_from.is_some() => self.reply("503 5.5.1 Nested MAIL").await?,
                Some(from) => {
                    self.mail_from = Some(from);
                    self.rcpt_to.clear();
                    self.reply("250 2.1.0 OK").await?;
                }
                None => self.reply("501 5.5.4 Syntax: MAIL FROM:<address>").await?,
            },
            "RCPT" => match path_arg(arg, "TO:") {
                _ if self.mail_from.is_none() => self.reply("503 5.5.1 Need MAIL first").await?,
                Some(to) if !to.is_empty() => {
                    self.rcpt_to.push(to);
                    self.reply("250 2.1.5 OK").await?;
                }
                _ => self.reply("501 5.5.4 Syntax: RCPT TO:<address>").await?,
            },
            "DATA" => {
                if !arg.is_empty() {
                    self.reply("501 5.5.4 DATA takes no argument").await?;
                } else if self.mail_from.is_none() {
                    self.reply("503 5.5.1 Need MAIL first").await?;
                } else if self.rcpt_to.is_empty() {
                    self.reply("554 5.5.1 No valid recipients").await?;
                } else if self.freezes_at(Freeze::AfterDataCommand) {
                    return self.frozen().await;
                } else {
                    return self.data().await;
                }
            }
            "RSET" => {
                self.reset();
                self.reply("250 2.0.0 OK").await?;
            }
            "NOOP" => self.reply("250 2.0.0 OK").await?,
            "VRFY" => self.reply("252 2.1.5 Cannot VRFY user").await?,
            "HELP" => self.reply("214 2.0.0 See RFC 5321").await?,
            "QUIT" => {
                self.reply("221 2.0.0 Bye").await?;
                return Ok(Next::Close);
            }
            "AUTH" => return self.auth(arg).await,
            _ => self.reply("502 5.5.2 Command not recognized").await?,
        }
        Ok(Next::Continue)
    }

    async fn data(&mut self) -> io::Result<Next> {
        self.reply("354 End data with <CR><LF>.<CR><LF>").await?;
        let Some((data, too_big)) = read_data(&mut self.rd).await? else {
            return Ok(Next::Close); // EOF in the middle of DATA: nothing stored.
        };
        if self.freezes_at(Freeze::AfterDataEnd) {
            return self.frozen().await;
        }
        let mail_from = self.mail_from.take().unwrap_or_default();
        let rcpt_to = std::mem::take(&mut self.rcpt_to);
        if self.is_down() {
            self.service_unavailable().await?;
            return Ok(Next::Close);
        }
        if too_big {
            self.reply("552 5.3.4 Message too big").await?;
            return Ok(Next::Continue);
        }
        let rejected = self
            .shared
            .reject_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if rejected {
            self.reply("451 4.3.0 try again later").await?;
            return Ok(Next::Continue);
        }
        lock(&self.shared.messages).push(Received {
            mail_from,
            rcpt_to,
            data,
        });
        self.reply("250 2.0.0 OK: queued").await?;
        Ok(Next::Continue)
    }

    /// Accepts AUTH PLAIN / LOGIN (with or without initial response), whatever the
    /// credentials, and records them.
    async fn auth(&mut self, arg: &str) -> io::Result<Next> {
        let (mechanism, initial) = match arg.split_once(' ') {
            Some((m, i)) => (m.to_ascii_uppercase(), Some(i.trim().to_owned())),
            None => (arg.to_ascii_uppercase(), None),
        };
        let attempt = match mechanism.as_str() {
            "PLAIN" => {
                let response = match initial {
                    Some(r) => r,
                    None => {
                        self.reply("334 ").await?;
                        match self.read_line().await? {
                            Some(r) => r,
                            None => return Ok(Next::Close),
                        }
                    }
                };
                if response == "*" {
                    self.reply("501 5.0.0 Authentication cancelled").await?;
                    return Ok(Next::Continue);
                }
                let decoded = decode_base64(response.as_bytes()).unwrap_or_default();
                let mut fields = decoded.split(|&b| b == 0).map(String::from_utf8_lossy);
                let _authzid = fields.next();
                AuthAttempt {
                    mechanism,
                    username: fields.next().unwrap_or_default().into_owned(),
                    password: fields.next().unwrap_or_default().into_owned(),
                }
            }
            "LOGIN" => {
                let user = match initial {
                    Some(u) => u,
                    None => {
                        self.reply("334 VXNlcm5hbWU6").await?;
                        match self.read_line().await? {
                            Some(u) => u,
                            None => return Ok(Next::Close),
                        }
                    }
                };
                self.reply("334 UGFzc3dvcmQ6").await?;
                let Some(pass) = self.read_line().await? else {
                    return Ok(Next::Close);
                };
                if user == "*" || pass == "*" {
                    self.reply("501 5.0.0 Authentication cancelled").await?;
                    return Ok(Next::Continue);
                }
                let text = |s: &str| {
                    String::from_utf8_lossy(&decode_base64(s.as_bytes()).unwrap_or_default())
                        .into_owned()
                };
                AuthAttempt {
                    mechanism,
                    username: text(&user),
                    password: text(&pass),
                }
            }
            _ => {
                self.reply("504 5.5.4 Unrecognized authentication type")
                    .await?;
                return Ok(Next::Continue);
            }
        };
        lock(&self.shared.auths).push(attempt);
        self.reply("235 2.7.0 Authentication successful").await?;
        Ok(Next::Continue)
    }
}

/// Parses `FROM:<a@b> PARAMS` / `TO:<a@b>` (prefix case-insensitive, optional space after
/// the colon, brackets optional). Returns the address without brackets.
fn path_arg(arg: &str, prefix: &str) -> Option<String> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    if let Some(inner) = rest.strip_prefix('<') {
        let end = inner.find('>')?;
        Some(inner[..end].to_owned())
    } else {
        let addr = rest.split_whitespace().next()?;
        Some(addr.to_owned())
    }
}

/// Reads DATA up to the terminating `.` line. Lines are CRLF-terminated (a bare LF does not
/// start a new line, as in lettre's encoder); a leading `.` is removed (dot-unstuffing).
/// Returns `None` on EOF before the terminator, else the message and whether it was too big
/// (then the content is dropped).
async fn read_data<R: AsyncBufRead + Unpin>(rd: &mut R) -> io::Result<Option<(Vec<u8>, bool)>> {
    let mut data = Vec::new();
    let mut too_big = false;
    let mut chunk = Vec::new();
    let mut at_line_start = true;
    loop {
        chunk.clear();
        if rd.read_until(b'\n', &mut chunk).await? == 0 || !chunk.ends_with(b"\n") {
            return Ok(None);
        }
        let mut content = &chunk[..];
        if at_line_start {
            if content == b".\r\n" {
                return Ok(Some((data, too_big)));
            }
            if content.first() == Some(&b'.') {
                content = &content[1..];
            }
        }
        if data.len() + content.len() > MAX_MESSAGE_BYTES {
            too_big = true;
            data = Vec::new();
        }
        if !too_big {
            data.extend_from_slice(content);
        }
        at_line_start = chunk.ends_with(b"\r\n");
    }
}

// ---------------------------------------------------------------------------------------
// MIME helpers
// ---------------------------------------------------------------------------------------

/// Splits a message into its header block and body at the first empty line (CRLF or LF).
fn split_message(raw: &[u8]) -> (&[u8], &[u8]) {
    let mut pos = 0;
    while pos < raw.len() {
        let end = raw[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| pos + i + 1);
        let line = &raw[pos..end];
        if line == b"\r\n" || line == b"\n" {
            return (&raw[..pos], &raw[end..]);
        }
        pos = end;
    }
    (raw, &[])
}

/// The top-level header lines, unfolded, as (name, value) with the value trimmed.
fn headers(raw: &[u8]) -> Vec<(String, String)> {
    let (head, _) = split_message(raw);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in String::from_utf8_lossy(head).split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim_end().to_owned(), value.to_owned()));
        }
    }
    for (_, value) in &mut out {
        *value = value.trim().to_owned();
    }
    out
}

/// The value of the first top-level header `name` (case-insensitive) of a raw RFC 5322
/// message, with folded lines unfolded (line breaks removed, the whitespace kept) and
/// surrounding whitespace trimmed. RFC 2047 encoded words are left as they are: see
/// [`decode_words`].
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    headers(raw)
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Every value of top-level header `name` (e.g. "Received", "To"), in order.
pub fn header_all(raw: &[u8], name: &str) -> Vec<String> {
    headers(raw)
        .into_iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .collect()
}

/// The raw body: what follows the first empty line.
pub fn body(raw: &[u8]) -> &[u8] {
    split_message(raw).1
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`) in a header value;
/// whitespace between two adjacent encoded words is dropped. UTF-8, US-ASCII and ISO-8859-1
/// charsets are decoded; other charsets are read as UTF-8 (lossy).
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut pending_space = String::new();
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some((decoded, len)) = encoded_word(rest) {
            if !last_was_word {
                out.push_str(&pending_space);
            }
            pending_space.clear();
            out.push_str(&decoded);
            rest = &rest[len..];
            last_was_word = true;
            continue;
        }
        let ch = rest.chars().next().expect("non-empty");
        if ch.is_whitespace() && last_was_word {
            pending_space.push(ch);
        } else {
            out.push_str(&pending_space);
            pending_space.clear();
            out.push(ch);
            last_was_word = false;
        }
        rest = &rest[ch.len_utf8()..];
    }
    out.push_str(&pending_space);
    out
}

/// An encoded word at the start of `s`: its decoded text and its length in `s`.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    let text = &inner[..end];
    if charset.is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => decode_base64(text.as_bytes())?,
        "Q" | "q" => decode_qp(text.replace('_', " ").as_bytes()),
        _ => return None,
    };
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    Some((decode_charset(&bytes, charset), len))
}

fn decode_charset(bytes: &[u8], charset: &str) -> String {
    let charset = charset.split('*').next().unwrap_or(charset);
    if charset.eq_ignore_ascii_case("iso-8859-1") || charset.eq_ignore_ascii_case("latin1") {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Standard base64 (padding optional, whitespace ignored); `None` if malformed.
pub fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Quoted-printable: `=XX` escapes and `=` soft line breaks (CRLF or LF).
pub fn decode_qp(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'=' {
            if input[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if input[i + 1..].starts_with(b"\n") {
                i += 2;
                continue;
            }
            if let (Some(&h), Some(&l)) = (input.get(i + 1), input.get(i + 2)) {
                if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// A parameter (e.g. `boundary`, `charset`) of a header value like `multipart/mixed;
/// boundary="xyz"`; quotes removed.
pub fn header_param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The text of the first MIME part of type `mime_type` (e.g. "text/plain", "text/html",
/// "text/calendar") in `raw`, searching multipart bodies depth-first, with the
/// Content-Transfer-Encoding (base64 / quoted-printable / 7bit / 8bit) undone and read as
/// UTF-8 (ISO-8859-1 if so declared). A message without Content-Type counts as text/plain.
pub fn text_part(raw: &[u8], mime_type: &str) -> Option<String> {
    let content_type = header(raw, "Content-Type").unwrap_or_else(|| "text/plain".into());
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence.starts_with("multipart/") {
        let boundary = header_param(&content_type, "boundary")?;
        return multipart_parts(body(raw), &boundary)
            .into_iter()
            .find_map(|part| text_part(part, mime_type));
    }
    if !essence.eq_ignore_ascii_case(mime_type) {
        return None;
    }
    let encoding = header(raw, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let content = body(raw);
    let bytes = match encoding.as_str() {
        "base64" => decode_base64(content)?,
        "quoted-printable" => decode_qp(content),
        _ => content.to_vec(),
    };
    let charset = header_param(&content_type, "charset").unwrap_or_else(|| "utf-8".into());
    Some(decode_charset(&bytes, &charset))
}

/// The parts (headers and body each) of a multipart body delimited by `--boundary` lines.
fn multipart_parts<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delimiter = format!("--{boundary}");
    let closing = format!("--{boundary}--");
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    while pos < body.len() {
        let end = body[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |i| pos + i + 1);
        let line = String::from_utf8_lossy(&body[pos..end]);
        let line = line.trim_end();
        if line == delimiter || line == closing {
            if let Some(s) = start {
                // The line break before the delimiter belongs to the delimiter.
                let mut e = pos.max(s);
                if body[s..e].ends_with(b"\r\n") {
                    e -= 2;
                } else if body[s..e].ends_with(b"\n") {
                    e -= 1;
                }
                parts.push(&body[s..e]);
            }
            if line == closing {
                break;
            }
            start = Some(end);
        }
        pos = end;
    }
    parts
}
