//! Store-side listing filters: depth and basename pattern ([C-6.9](crate::contract#C-6.9)), applied the same
//! way to sync iterators and async streams.

use std::future::ready;

use futures_util::StreamExt;

use crate::content::{ListIter, ListStream};
use crate::entry::{FileInfo, FolderEntry};
use crate::options::ListOptions;
use crate::path::StorePath;
use crate::pattern::Pattern;

/// Decides which listed items a Store hands out.
pub trait ListFilter<T>: Send + 'static {
    /// Whether `item` is kept.
    fn keep(&self, item: &T) -> bool;
}

/// What both filters share: the listing folder, the depth rule and the compiled pattern.
struct Rule {
    folder: StorePath,
    options: ListOptions,
    pattern: Option<Pattern>,
}

impl Rule {
    fn new(folder: &StorePath, options: &ListOptions) -> Rule {
        Rule {
            folder: folder.clone(),
            // The Store validated the pattern before building the filter.
            pattern: options.compiled_pattern().ok().flatten(),
            options: options.clone(),
        }
    }

    /// Keeps paths strictly below the folder, at an allowed depth, whose name matches.
    /// Runs once per listed item, so it allocates nothing.
    fn keeps(&self, path: &StorePath) -> bool {
        let Some(rel) = self.folder.strip_from(path.as_str()) else {
            return false;
        };
        !rel.is_empty()
            && self
                .options
                .keeps_depth(rel.bytes().filter(|b| *b == b'/').count())
            && self.pattern.as_ref().is_none_or(|p| p.matches(path.name()))
    }
}

/// The Store's filter over `list_files`.
pub struct FileFilter(Rule);

impl FileFilter {
    /// The filter for listing `folder` with `options`.
    pub fn new(folder: &StorePath, options: &ListOptions) -> Self {
        FileFilter(Rule::new(folder, options))
    }
}

impl ListFilter<FileInfo> for FileFilter {
    fn keep(&self, item: &FileInfo) -> bool {
        self.0.keeps(&item.path)
    }
}

/// The Store's filter over `list_folders`.
pub struct FolderFilter(Rule);

impl FolderFilter {
    /// The filter for listing `folder` with `options`.
    pub fn new(folder: &StorePath, options: &ListOptions) -> Self {
        FolderFilter(Rule::new(folder, options))
    }
}

impl ListFilter<FolderEntry> for FolderFilter {
    fn keep(&self, item: &FolderEntry) -> bool {
        self.0.keeps(&item.path)
    }
}

/// Applies `filter` to a sync listing; errors always pass.
pub fn keep_iter<T: 'static, F: ListFilter<T>>(items: ListIter<T>, filter: F) -> ListIter<T> {
    Box::new(items.filter(move |item| item.as_ref().map_or(true, |t| filter.keep(t))))
}

/// Applies `filter` to an async listing; errors always pass.
pub fn keep_stream<T: Send + 'static, F: ListFilter<T>>(
    items: ListStream<T>,
    filter: F,
) -> ListStream<T> {
    Box::pin(items.filter(move |item| ready(item.as_ref().map_or(true, |t| filter.keep(t)))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str) -> FileInfo {
        FileInfo::new(StorePath::new(p).unwrap(), 0, None)
    }

    #[test]
    fn depth_pattern_and_prefix() {
        let folder = StorePath::new("a").unwrap();
        let f = FileFilter::new(&folder, &ListOptions::new().max_depth(1).pattern("*.txt"));
        assert!(f.keep(&file("a/x.txt")));
        assert!(f.keep(&file("a/b/x.txt")));
        assert!(!f.keep(&file("a/b/c/x.txt")));
        assert!(!f.keep(&file("a/x.md")));
        assert!(!f.keep(&file("ab/x.txt")));
        let root = FileFilter::new(&StorePath::root(), &ListOptions::new());
        assert!(root.keep(&file("x")));
        assert!(!root.keep(&file("a/x")));
    }
}
