//! Atomic files get the permissions a plain write gives, and keep the old file's.

use std::fs;
use std::io;

use store::{Store, WriteOptions};

use super::temp;

#[cfg(unix)]
#[test]
fn atomic_writes_get_the_permissions_of_plain_writes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp();
    let store = Store::open_local(dir.path()).unwrap();
    let mode = |name: &str| {
        fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    store.write("plain.txt", "x", &WriteOptions::new()).unwrap();
    store
        .write_atomic("atomic.txt", "x", &WriteOptions::new())
        .unwrap();
    let mut writer = store
        .open_atomic("opened.txt", &WriteOptions::new())
        .unwrap();
    io::Write::write_all(&mut writer, b"x").unwrap();
    writer.commit().unwrap();
    assert_eq!(mode("atomic.txt"), mode("plain.txt"), "write_atomic");
    assert_eq!(mode("opened.txt"), mode("plain.txt"), "open_atomic");

    fs::set_permissions(
        dir.path().join("atomic.txt"),
        fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    store
        .write_atomic("atomic.txt", "y", &WriteOptions::new().overwrite(true))
        .unwrap();
    assert_eq!(mode("atomic.txt"), 0o640, "an overwrite keeps the old mode");

    fs::set_permissions(
        dir.path().join("plain.txt"),
        fs::Permissions::from_mode(0o750),
    )
    .unwrap();
    store.copy("plain.txt", "copied.txt", false).unwrap();
    assert_eq!(mode("copied.txt"), 0o750, "a copy keeps the source's mode");
}
