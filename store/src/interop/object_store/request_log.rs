//! [`RequestLog`]: what an operation costs at the service, one line per HTTP request.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpService, ReqwestConnector,
};
use object_store::ClientOptions;

/// An HTTP transport for the cloud builders that records each request's method, path and
/// query keys (never their values, which may hold a SAS signature), so that a program or a
/// test can see how many round trips an operation made.
///
/// ```
/// use store::interop::object_store::RequestLog;
/// use store::S3Builder;
///
/// let log = RequestLog::new();
/// let backend = S3Builder::new()
///     .bucket("photos")
///     .anonymous(true)
///     .http_connector(log.clone())
///     .build()?;
/// // … after some calls, `log.take()` lists lines such as "GET /photos?delimiter&list-type&prefix".
/// assert!(log.take().is_empty()); // building makes no request
/// # drop(backend);
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct RequestLog {
    lines: Arc<Mutex<Vec<String>>>,
}

impl RequestLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The requests recorded since the last `take`, oldest first, and a fresh start.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.lines.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn record(&self, request: &HttpRequest) {
        let uri = request.uri();
        let mut line = format!("{} {}", request.method(), uri.path());
        if let Some(query) = uri.query() {
            let mut keys: Vec<&str> = query
                .split('&')
                .map(|pair| pair.split('=').next().unwrap_or_default())
                .collect();
            keys.sort_unstable();
            line.push('?');
            line.push_str(&keys.join("&"));
        }
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }
}

impl fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.lines.lock().map_or(0, |lines| lines.len());
        f.debug_struct("RequestLog")
            .field("recorded", &count)
            .finish()
    }
}

impl HttpConnector for RequestLog {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        let inner = ReqwestConnector::default().connect(options)?;
        Ok(HttpClient::new(Logged {
            inner,
            log: self.clone(),
        }))
    }
}

/// The client [`RequestLog`] hands out: records, then sends.
#[derive(Debug)]
struct Logged {
    inner: HttpClient,
    log: RequestLog,
}

#[async_trait]
impl HttpService for Logged {
    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        self.log.record(&request);
        self.inner.execute(request).await
    }
}
