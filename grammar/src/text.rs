//! Slicing the source where the parser knows the range is sound.

use std::fmt::Debug;
use std::slice::SliceIndex;

/// `text[range]` for a range the caller knows lies inside `text` on character
/// boundaries; `why` says why it holds, and debug builds (the fuzz targets and
/// property tests) check it. Release builds give `""` rather than panic.
pub(crate) fn slice<'a, R>(text: &'a str, range: R, why: &str) -> &'a str
where
    R: SliceIndex<str, Output = str> + Clone + Debug,
{
    let part = text.get(range.clone());
    debug_assert!(part.is_some(), "INVARIANT: {range:?} of the text: {why}");
    part.unwrap_or("")
}
