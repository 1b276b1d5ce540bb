//! Keys across the boundary: an `object_store` [`Path`] is already normalised (no empty, `.` or
//! `..` segments), so its string is the key, except where `store` would read it as something
//! else. A raw `\` would name the same file as `/` ([C-3.1](crate::contract#C-3.1)) and is refused, never aliased.

use object_store::path::Path;

use crate::error::{Error, Result};
use crate::path::StorePath;

/// The store path of an object's location (a file role: the empty path is refused).
pub(super) fn file_key(location: &Path) -> Result<StorePath> {
    checked(location)?;
    StorePath::new(location.as_ref())
}

/// The store folder of a listing prefix: `None` and the empty path are the root.
pub(super) fn folder_key(prefix: Option<&Path>) -> Result<StorePath> {
    match prefix {
        None => Ok(StorePath::root()),
        Some(prefix) => {
            checked(prefix)?;
            StorePath::folder(prefix.as_ref())
        }
    }
}

fn checked(location: &Path) -> Result<()> {
    if location.as_ref().contains('\\') {
        return Err(Error::invalid_path(
            location.as_ref(),
            "a raw `\\` in an object key would name the same file as `/` in a store",
        ));
    }
    Ok(())
}

/// The object location of a store path.
pub(super) fn location(key: &StorePath) -> Result<Path> {
    Path::parse(key.as_str()).map_err(|e| {
        Error::invalid_path(key.as_str(), "not a valid object_store path").with_source(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn keys_round_trip_and_refuse_aliases() {
        for raw in [
            "a/b.txt",
            "a%2Fb/c",
            "🙀/😀.parquet",
            "%Q.parquet",
            "I'm a < & weird path",
        ] {
            let location = Path::parse(raw).unwrap();
            let key = file_key(&location).unwrap();
            assert_eq!(key.as_str(), raw);
            assert_eq!(super::location(&key).unwrap(), location);
        }
        let from_parts = Path::from_iter(["a", "b/c", "foo.file"]);
        assert_eq!(file_key(&from_parts).unwrap().as_str(), "a/b%2Fc/foo.file");
        let backslash = Path::parse("a\\b").unwrap();
        assert_eq!(
            file_key(&backslash).unwrap_err().kind(),
            ErrorKind::InvalidPath
        );
        assert_eq!(
            file_key(&Path::from("")).unwrap_err().kind(),
            ErrorKind::InvalidPath
        );
        assert!(folder_key(Some(&Path::from(""))).unwrap().is_root());
        assert!(folder_key(None).unwrap().is_root());
    }
}
