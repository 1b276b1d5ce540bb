//! An operation taken without the backend below as its first argument.
#![allow(dead_code)]

use store::{Result, StorePath};

struct Audit;

#[store::layer]
impl Audit {
    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        let _ = (path, missing_ok);
        Ok(())
    }
}

fn main() {}
