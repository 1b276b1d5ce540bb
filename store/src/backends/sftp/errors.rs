//! SFTP failures as store errors ([C-2.12](crate::contract#C-2.12)): a status by its code, a failed transport as
//! `BackendUnavailable`. Messages name keys, never the server's absolute paths.

use russh_sftp::client::error::Error as SftpError;
use russh_sftp::protocol::StatusCode;

use super::NAME;
use crate::error::{Error, ErrorKind};
use crate::path::StorePath;

/// `BackendUnavailable`, retryable: the connection failed or died.
pub(super) fn unavailable(message: String) -> Error {
    Error::new(ErrorKind::BackendUnavailable, message)
        .with_backend(NAME)
        .with_retryable(true)
}

/// The status code of a failed request, if the server answered with one.
pub(super) fn status(err: &SftpError) -> Option<StatusCode> {
    match err {
        SftpError::Status(status) => Some(status.status_code),
        _ => None,
    }
}

/// Whether the server answered "no such file" (also for a path beneath a file, and a link
/// loop: OpenSSH maps `ENOTDIR` and `ELOOP` to it).
pub(super) fn is_missing(err: &SftpError) -> bool {
    status(err) == Some(StatusCode::NoSuchFile)
}

/// Maps `err` for an operation on `key`. The server's message is kept only for the generic
/// failure code, where it is all there is; OpenSSH puts no path in it.
pub(super) fn from_sftp(err: SftpError, key: &str) -> Error {
    let located = |e: Error| e.with_path(key).with_backend(NAME);
    match err {
        SftpError::Status(status) => match status.status_code {
            StatusCode::NoSuchFile => located(Error::not_found(key)),
            StatusCode::PermissionDenied => located(Error::new(
                ErrorKind::PermissionDenied,
                "the SFTP server denied the operation",
            )),
            StatusCode::NoConnection | StatusCode::ConnectionLost => {
                unavailable("the SFTP connection was lost".to_owned()).with_path(key)
            }
            StatusCode::OpUnsupported => located(Error::other(
                "the SFTP server does not support this operation",
            )),
            code => located(Error::other(format!(
                "the SFTP server refused the operation ({code}: {})",
                status.error_message
            ))),
        },
        SftpError::Timeout => {
            unavailable("the SFTP server did not answer in time".to_owned()).with_path(key)
        }
        SftpError::Limited(why) => located(Error::other(format!("an SFTP server limit: {why}"))),
        other => unavailable("the SFTP connection failed".to_owned())
            .with_path(key)
            .with_source(other),
    }
}

pub(super) fn escapes(key: &StorePath) -> Error {
    Error::escapes_root(key.as_str()).with_backend(NAME)
}

pub(super) fn is_folder(key: &StorePath) -> Error {
    Error::is_a_folder(key.as_str()).with_backend(NAME)
}

pub(super) fn file_in_the_way(key: &StorePath) -> Error {
    Error::file_in_the_way(key.as_str()).with_backend(NAME)
}

#[cfg(test)]
mod tests {
    use russh_sftp::protocol::Status;

    use super::*;

    fn status(code: StatusCode, message: &str) -> SftpError {
        SftpError::Status(Status {
            id: 1,
            status_code: code,
            error_message: message.to_owned(),
            language_tag: "en".to_owned(),
        })
    }

    #[test]
    fn codes_map_to_kinds() {
        let cases = [
            (StatusCode::NoSuchFile, ErrorKind::NotFound),
            (StatusCode::PermissionDenied, ErrorKind::PermissionDenied),
            (StatusCode::Failure, ErrorKind::Other),
            (StatusCode::ConnectionLost, ErrorKind::BackendUnavailable),
            (StatusCode::NoConnection, ErrorKind::BackendUnavailable),
        ];
        for (code, kind) in cases {
            let err = from_sftp(status(code, "x"), "a/b");
            assert_eq!(err.kind(), kind, "{code:?}");
            assert_eq!(err.backend(), Some(NAME));
            assert_eq!(err.path(), Some("a/b"));
        }
    }

    #[test]
    fn a_dead_transport_is_retryable() {
        for err in [
            SftpError::Timeout,
            SftpError::UnexpectedBehavior("session closed".into()),
            SftpError::IO("broken pipe".into()),
        ] {
            let mapped = from_sftp(err, "k");
            assert_eq!(mapped.kind(), ErrorKind::BackendUnavailable);
            assert!(mapped.is_retryable());
        }
    }
}
