//! Progress of the extensions' work: a small trait the caller implements (nothing is drawn by
//! default), and, with the `progress-bars` feature, bars on a terminal.

use crate::error::Error;

/// What a transfer, tree copy or sync reports as it goes. Every method has an empty default;
/// calls come from several tasks at once, so an implementation keeps its own counts atomically.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use store::ext::Progress;
///
/// #[derive(Default)]
/// struct Bytes(AtomicU64);
///
/// impl Progress for Bytes {
///     fn advance(&self, _path: &str, bytes: u64) {
///         self.0.fetch_add(bytes, Ordering::Relaxed);
///     }
/// }
/// ```
pub trait Progress: Send + Sync {
    /// The work ahead, once known: files and bytes to transfer.
    fn totals(&self, files: u64, bytes: u64) {
        let _ = (files, bytes);
    }

    /// A file starts; `size` when known.
    fn start(&self, path: &str, size: Option<u64>) {
        let _ = (path, size);
    }

    /// `bytes` more of `path` went through (an increment, per chunk).
    fn advance(&self, path: &str, bytes: u64) {
        let _ = (path, bytes);
    }

    /// `path` is done and in place.
    fn finish(&self, path: &str) {
        let _ = path;
    }

    /// `path` failed with `error`; what it wrote is not in place.
    fn failed(&self, path: &str, error: &Error) {
        let _ = (path, error);
    }
}

/// Reports nothing: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

#[cfg(feature = "progress-bars")]
pub use self::bars::Bars;

#[cfg(feature = "progress-bars")]
mod bars {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

    use super::Progress;
    use crate::error::Error;

    /// Progress bars on stderr (feature `progress-bars`): one for the total and one per
    /// active file; hidden when stderr is not a terminal.
    pub struct Bars {
        multi: MultiProgress,
        total: ProgressBar,
        files: Mutex<HashMap<String, ProgressBar>>,
    }

    impl Bars {
        /// Bars drawn on stderr when it is a terminal.
        pub fn new() -> Self {
            Self::with_target(ProgressDrawTarget::stderr())
        }

        /// Bars that draw nowhere, whatever stderr is (for tests and quiet runs).
        pub fn hidden() -> Self {
            Self::with_target(ProgressDrawTarget::hidden())
        }

        fn with_target(target: ProgressDrawTarget) -> Self {
            let multi = MultiProgress::with_draw_target(target);
            let total = multi.add(ProgressBar::new(0));
            total.set_style(style(
                "{bytes}/{total_bytes} {wide_bar} {binary_bytes_per_sec} {msg}",
            ));
            Bars {
                multi,
                total,
                files: Mutex::new(HashMap::new()),
            }
        }

        /// Whether the bars are drawn (stderr is a terminal).
        pub fn is_drawn(&self) -> bool {
            !self.multi.is_hidden()
        }
    }

    impl Default for Bars {
        fn default() -> Self {
            Self::new()
        }
    }

    impl std::fmt::Debug for Bars {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Bars")
                .field("bytes", &self.total.position())
                .finish()
        }
    }

    fn style(template: &str) -> ProgressStyle {
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
    }

    impl Progress for Bars {
        fn totals(&self, files: u64, bytes: u64) {
            self.total.set_length(bytes);
            self.total.set_message(format!("{files} files"));
        }

        fn start(&self, path: &str, size: Option<u64>) {
            let bar = self.multi.add(ProgressBar::new(size.unwrap_or(0)));
            bar.set_style(style("{bytes:>10}/{total_bytes:<10} {bar:30} {msg}"));
            bar.set_message(path.to_owned());
            let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            files.insert(path.to_owned(), bar);
        }

        fn advance(&self, path: &str, bytes: u64) {
            self.total.inc(bytes);
            let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(bar) = files.get(path) {
                bar.inc(bytes);
            }
        }

        fn finish(&self, path: &str) {
            let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(bar) = files.remove(path) {
                bar.finish_and_clear();
                self.multi.remove(&bar);
            }
        }

        fn failed(&self, path: &str, error: &Error) {
            self.finish(path);
            let _ = self.multi.println(format!("failed: {path}: {error}"));
        }
    }
}
