//! Every code Accord gives a problem, in one place.
//!
//! A code is stable: scripts and the JSON output rely on it. It serialises and
//! displays as its text (`E0101`). Each is documented in `docs/diagnostics.md`;
//! `core/tests/codes.rs` fails when a code here is undocumented, a documented code
//! is missing here, a code here is never given, or a code is written in the source
//! as a string instead of through this type.
//!
//! The first letter is the family: `E` a ruleset's errors and `W` its warnings (the
//! checker, and the parser's syntax errors through [`syntax`]), `F` facts
//! documents, `A` assessment answers, `P` provider catalogues, `R` ratings, `M` the
//! needs map's results, `G` protocol graphs, `C` case events and logs, `U` requests to the facade.

use std::fmt;

use accord_grammar::SyntaxErrorKind;
use serde::{Serialize, Serializer};

macro_rules! codes {
    ($($(#[$doc:meta])* $($code:ident),+ ;)*) => {
        /// A problem's stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($($code,)+)*
        }

        impl Code {
            /// Every code, in the order of `docs/diagnostics.md`'s families.
            pub const ALL: &'static [Code] = &[$($(Code::$code,)+)*];

            /// The code's text: `"E0101"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($(Code::$code => stringify!($code),)+)*
                }
            }
        }
    };
}

codes! {
    /// E00xx: the parser: syntax
    E0001, E0002, E0003, E0004, E0005, E0006, E0007;
    /// E01xx: names
    E0101, E0102, E0103, E0104, E0105, E0106, E0107, E0108,
    E0109, E0110, E0111, E0112, E0113, E0114, E0115, E0120,
    E0121, E0122, E0123, E0124, E0130, E0131, E0135;
    /// E02xx: types
    E0201, E0202, E0203, E0204, E0205, E0206, E0207, E0208,
    E0209, E0210, E0211, E0212, E0213, E0214, E0215, E0220,
    E0221, E0222, E0223;
    /// E03xx: declarations and structure
    E0301, E0302, E0303, E0304, E0305, E0306, E0307, E0308,
    E0309, E0310, E0311, E0312;
    /// E04xx: tables, parameters, scales (E043x) and monthly series (E044x)
    E0401, E0402, E0403, E0404, E0405, E0406, E0407, E0408, E0409, E0410, E0411,
    E0420,
    E0430, E0431, E0432, E0433, E0434,
    E0440, E0441, E0442, E0443, E0444;
    /// E05xx: assessments, services, calendars, protocols
    E0501, E0502, E0503, E0504, E0505, E0506, E0507, E0508,
    E0509, E0510, E0511, E0512, E0513, E0514, E0515, E0516,
    E0517, E0518, E0519, E0520, E0530, E0531, E0532, E0533, E0540,
    E0550, E0560, E0561, E0562, E0563;
    /// E06xx: tests
    E0601, E0602, E0603, E0604, E0605, E0606, E0607, E0608, E0609, E0610;
    /// E09xx: tools
    E0900, E0901, E0902, E0903, E0904;
    /// W01xx: warnings
    W0101, W0102, W0103, W0104, W0105, W0106, W0107, W0108, W0140,
    W0141;
    /// W0115: protocol flow
    W0115;
    /// F00xx: facts documents
    F0001, F0002, F0003, F0004, F0005, F0006, F0007, F0008,
    F0009, F0010;
    /// F0017–F0018: monthly series in facts documents
    F0017, F0018;
    /// A00xx: assessment answers
    A0001, A0002, A0003, A0004, A0005, A0006, A0007, A0008;
    /// P00xx: provider catalogues and requests
    P0001, P0002, P0003, P0004, P0005, P0006, P0007, P0008,
    P0009, P0010, P0011, P0012, P0013;
    /// R00xx: ratings
    R0001, R0002, R0003, R0004, R0005, R0006, R0007, R0008;
    /// M00xx: the needs map's results
    M0001, M0002, M0003;
    /// G00xx: protocol graphs
    G0001, G0002;
    /// C00xx: case events and logs
    C0001, C0002, C0003, C0004, C0005, C0006, C0007, C0008,
    C0009, C0010, C0011, C0012, C0013, C0014, C0015, C0016,
    C0017, C0018, C0019, C0020, C0021, C0022, C0023, C0024,
    C0025, C0026, C0027, C0028, C0030, C0031, C0040, C0050,
    C0051, C0060, C0061, C0062, C0063;
    /// U00xx: requests to the facade
    U0001, U0003, U0004, U0005, U0006, U0007, U0008, U0009,
    U0010, U0011, U0012, U0020, U0030, U0031, U0032, U0033, U0034,
    U0035, U0036, U0037, U0038, U0040, U0041, U0042, U0043, U0044, U0045;
}

/// The code of a syntax error of the parser (`accord-grammar` knows the kinds of
/// syntax error; their codes are the engine's).
pub const fn syntax(kind: SyntaxErrorKind) -> Code {
    match kind {
        SyntaxErrorKind::Unexpected => Code::E0001,
        SyntaxErrorKind::TooDeep => Code::E0002,
        SyntaxErrorKind::FileTooLarge => Code::E0003,
        SyntaxErrorKind::BadEscape => Code::E0004,
        SyntaxErrorKind::DanglingDocComment => Code::E0005,
        SyntaxErrorKind::TooManyDeclarations => Code::E0006,
        SyntaxErrorKind::TooManyRows => Code::E0007,
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}
