//! A file's facts from its status: the `FileInfo` and the etag.

use std::time::{Duration, UNIX_EPOCH};

use rustix::fs::Stat;

use crate::entry::FileInfo;
use crate::path::StorePath;

/// The facts of a file from its status.
pub(super) fn info_of(key: StorePath, stat: &Stat) -> FileInfo {
    let modified = if stat.st_mtime >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(
            stat.st_mtime as u64,
            stat.st_mtime_nsec as u32,
        ))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(stat.st_mtime.unsigned_abs()))
    };
    FileInfo {
        etag: Some(etag_of(stat)),
        ..FileInfo::new(key, stat.st_size as u64, modified)
    }
}

/// The etag of a file's status: inode, modification time in nanoseconds and size, as
/// object_store's `LocalFileSystem` spells it. Atomic and conditional writes always make a new
/// inode, so their etag changes; an in-place `write` changes the time (at the filesystem's
/// clock granularity) and usually the size.
///
/// Spelled out by hand: it is built for every file a stat or a listing returns, and
/// `format!` would cost several times the `fstatat` in a listing's hot loop.
pub(super) fn etag_of(stat: &Stat) -> String {
    let nanos = i128::from(stat.st_mtime) * 1_000_000_000 + i128::from(stat.st_mtime_nsec);
    let mut etag = String::with_capacity(48);
    push_hex(&mut etag, u128::from(stat.st_ino));
    etag.push('-');
    // Two's complement for a time before 1970, as `{:x}` prints an `i128`.
    push_hex(&mut etag, nanos as u128);
    etag.push('-');
    push_hex(&mut etag, stat.st_size as u64 as u128);
    etag
}

/// Appends `value` in lower-case hex, without leading zeros.
pub(super) fn push_hex(out: &mut String, value: u128) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Written from the last digit back into a buffer, then appended at once.
    let mut buf = [0u8; 32];
    let (mut at, mut rest) = (buf.len(), value);
    loop {
        at -= 1;
        buf[at] = DIGITS[(rest & 0xf) as usize];
        rest >>= 4;
        if rest == 0 {
            break;
        }
    }
    out.extend(buf[at..].iter().map(|&digit| char::from(digit)));
}

#[cfg(test)]
mod tests {
    use super::push_hex;

    #[test]
    fn hex_is_what_format_prints() {
        for value in [
            0u128,
            1,
            9,
            10,
            15,
            16,
            255,
            4096,
            u64::MAX as u128,
            u128::MAX,
        ] {
            let mut ours = String::new();
            push_hex(&mut ours, value);
            assert_eq!(ours, format!("{value:x}"));
        }
        let before_1970: i128 = -1_500_000_000;
        let mut ours = String::new();
        push_hex(&mut ours, before_1970 as u128);
        assert_eq!(ours, format!("{before_1970:x}"));
    }
}
