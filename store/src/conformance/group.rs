//! The groups of the kit and the backends each applies to: a group listed for a backend it
//! does not fit fails at once, with a message that says so.

use std::any::TypeId;

use super::world::{World, WorldKind};
use crate::adapters::async_to_sync;
use crate::resolution::Namespace;

/// A group of conformance items, as named in [`conformance_tests!`](crate::conformance_tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `all`: every backend, in either world.
    All,
    /// `hier`: hierarchical backends, whose folders are real.
    Hier,
    /// `flat`: flat backends, whose folders are key prefixes.
    Flat,
    /// `sync_world`: a [`Store`](crate::Store).
    SyncWorld,
    /// `async_world`: an [`AsyncStore`](crate::AsyncStore).
    AsyncWorld,
    /// `async_to_sync`: a `Store` over an async backend, through
    /// [`AsyncBackendSyncAdapter`](crate::AsyncBackendSyncAdapter).
    AsyncToSync,
}

impl Group {
    /// Why the group does not apply to `world`, if it does not.
    pub fn misfit(self, world: &dyn World) -> Option<String> {
        let name = world.name();
        let namespace = match (world.sync_store(), world.async_store()) {
            (Some(s), _) => s.backend().namespace(),
            (_, Some(s)) => s.backend().namespace(),
            _ => Namespace::Hierarchical,
        };
        let sync = world.kind() == WorldKind::Sync;
        match self {
            Group::All => None,
            Group::Hier if namespace == Namespace::Flat => Some(format!(
                "the `hier` group applies to hierarchical backends, and `{name}` is flat: \
                 leave `hier` out of its conformance_tests! list"
            )),
            Group::Flat if namespace == Namespace::Hierarchical => Some(format!(
                "the `flat` group applies to flat backends, and `{name}` is hierarchical: \
                 leave `flat` out of its conformance_tests! list"
            )),
            Group::SyncWorld | Group::AsyncToSync if !sync => Some(format!(
                "the `{}` group runs on a blocking Store, and this fixture of `{name}` is an \
                 AsyncStore",
                self.label()
            )),
            Group::AsyncToSync
                if !world.sync_store().is_some_and(|s| {
                    let adapter = TypeId::of::<async_to_sync::Marker>();
                    s.backend().unwrap_native(adapter).is_some()
                }) =>
            {
                Some(format!(
                    "the `async_to_sync` group applies to a Store over an async backend (through \
                     AsyncBackendSyncAdapter), and `{name}` is a blocking backend"
                ))
            }
            Group::AsyncWorld if sync => Some(format!(
                "the `async_world` group runs on an AsyncStore, and this fixture of `{name}` is \
                 a blocking Store"
            )),
            _ => None,
        }
    }

    /// The group's name in `conformance_tests!`.
    pub fn label(self) -> &'static str {
        match self {
            Group::All => "all",
            Group::Hier => "hier",
            Group::Flat => "flat",
            Group::SyncWorld => "sync_world",
            Group::AsyncWorld => "async_world",
            Group::AsyncToSync => "async_to_sync",
        }
    }
}
