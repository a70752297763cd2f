//! Lexical scan for `//` and `/* */` comments (not `///` doc comments), which the
//! grammar skips and the formatter must keep.
