//! Serving a router on a TCP listener with the limits slow clients need: a deadline for a
//! request's headers and one for its whole body, closing idle keep-alive connections, and a
//! cap on open connections (past it, new connections wait in the kernel's accept queue
//! while those already open carry on). Shutdown stops accepting and lets in-flight requests
//! finish; idle connections close at once.

use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::ConnectInfo,
    Router,
};
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::{body::Incoming, server::conn::http1, service::service_fn, Request};
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{watch, Notify, OwnedSemaphorePermit, Semaphore},
    time::{Instant, Sleep},
};
use tower::ServiceExt;

use crate::config::ServerConfig;

/// The limits applied to every connection of a listener.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// From a request's first byte (or the connection's opening) to the end of its headers.
    pub header_timeout: Duration,
    /// From the end of a request's headers to the end of its body.
    pub body_timeout: Duration,
    /// How long a keep-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Open connections at once.
    pub max_connections: usize,
}

impl Limits {
    pub fn from_config(server: &ServerConfig) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(server.header_timeout_seconds),
            body_timeout: Duration::from_secs(server.body_timeout_seconds),
            idle_timeout: Duration::from_secs(server.idle_timeout_seconds),
            max_connections: server.max_connections.max(1) as usize,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for the open
/// connections to finish their requests (bound the wait from outside).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_sender, stop_receiver) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // The permit comes first: at the cap, connections wait unaccepted.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            stream,
            remote,
            app.clone(),
            limits,
            stop_receiver.clone(),
            permit,
        ));
    }
    drop(listener);
    let _ = stop_sender.send(true);
    // Every open connection holds a permit: all of them back means all are closed.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = permits.acquire_many(all).await;
    Ok(())
}

/// What a connection is doing, which decides its next deadline.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Waiting for the next request since this instant.
    Idle(Instant),
    /// Receiving a request's headers since this instant.
    Head(Instant),
    /// A request is with the application (its body has its own deadline).
    Busy,
}

struct Tracker {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Tracker {
    fn set(&self, phase: Phase) {
        *self.phase.lock().expect("phase lock") = phase;
        self.changed.notify_one();
    }

    fn phase(&self) -> Phase {
        *self.phase.lock().expect("phase lock")
    }

    /// Bytes arrived: an idle connection starts a request.
    fn bytes_read(&self) {
        let mut phase = self.phase.lock().expect("phase lock");
        if let Phase::Idle(_) = *phase {
            *phase = Phase::Head(Instant::now());
            drop(phase);
            self.changed.notify_one();
        }
    }

    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        match self.phase() {
            Phase::Idle(since) => Some(since + limits.idle_timeout),
            Phase::Head(since) => Some(since + limits.header_timeout),
            Phase::Busy => None,
        }
    }
}

async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let tracker = Arc::new(Tracker {
        phase: Mutex::new(Phase::Head(Instant::now())),
        changed: Notify::new(),
    });
    let service = {
        let tracker = tracker.clone();
        service_fn(move |mut request: Request<Incoming>| {
            tracker.set(Phase::Busy);
            request.extensions_mut().insert(ConnectInfo(remote));
            let request = request.map(|body| {
                Body::new(DeadlineBody {
                    inner: body,
                    deadline: Instant::now() + limits.body_timeout,
                    sleep: None,
                })
            });
            let app = app.clone();
            let tracker = tracker.clone();
            async move {
                let response = app.oneshot(request).await;
                tracker.set(Phase::Idle(Instant::now()));
                response
            }
        })
    };
    let io = TokioIo::new(TrackedStream {
        inner: stream,
        tracker: tracker.clone(),
    });
    let mut builder = http1::Builder::new();
    // Our own deadlines replace hyper's header timeout, which would also cut idle
    // keep-alive connections at the header deadline.
    builder.header_read_timeout(None).keep_alive(true);
    let mut conn = std::pin::pin!(builder.serve_connection(io, service));
    let mut closing = false;
    let mut hard_deadline: Option<Instant> = None;
    loop {
        let deadline = hard_deadline.or_else(|| tracker.deadline(&limits));
        let expired = async move {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = conn.as_mut() => break,
            () = tracker.changed.notified() => {}
            _ = stop.wait_for(|stop| *stop), if !closing => {
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
            () = expired => {
                if hard_deadline.is_some() {
                    break;
                }
                match tracker.phase() {
                    // Headers too slow: drop the connection.
                    Phase::Head(_) => break,
                    Phase::Idle(_) => {
                        // Closes at once when nothing is being written; a response stuck
                        // on a client that does not read gets a last short wait.
                        conn.as_mut().graceful_shutdown();
                        closing = true;
                        hard_deadline = Some(Instant::now() + limits.header_timeout);
                    }
                    Phase::Busy => {}
                }
            }
        }
    }
}

/// A TCP stream that reports arriving bytes to its connection's tracker.
struct TrackedStream {
    inner: TcpStream,
    tracker: Arc<Tracker>,
}

impl AsyncRead for TrackedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.tracker.bytes_read();
        }
        result
    }
}

impl AsyncWrite for TrackedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The error a request body gives once its deadline has passed.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within the body timeout")]
pub struct BodyTimeout;

/// Whether `error` (or an error it wraps) is a [`BodyTimeout`].
pub fn is_body_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<BodyTimeout>() {
            return true;
        }
        current = error.source();
    }
    false
}

/// A request body with one deadline for the whole of it (tower-http's body timeout only
/// bounds the gap between two frames, which a byte-per-second sender never exceeds).
struct DeadlineBody {
    inner: Incoming,
    deadline: Instant,
    /// Armed only when the body is not already complete.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|result| result.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTimeout))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
