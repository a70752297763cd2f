//! Facts: the input of an evaluation, validated against the ruleset's entities and
//! laid out flat for the evaluator.
//!
//! Every entity object of the input becomes an *instance* (the root is instance 0,
//! the others follow in document order), with one slot per field. A missing field or
//! `null` is unknown. Lists of entities hold instance numbers.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use super::in_model;
use super::lower::{FieldKind, Lowered};
use super::value::{Dur, ListRef, TextRef, V};
use crate::check::{Checked, Value};
use crate::codes::Code;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Instance {
    pub entity: u32,
    /// The instance that holds this one, `u32::MAX` for the root.
    pub owner: u32,
    /// The owner's field holding this instance, and the position in it when a list.
    pub field: u32,
    pub index: Option<u32>,
    /// Where this instance's field slots start in [`Facts::slots`].
    pub slots: u32,
}

/// A facts document, validated and ready to evaluate.
///
/// A document is screened by the engine that built it (`facts_from_json`,
/// `facts_from_value`): its instances name that engine's entities and fields.
/// An empty `Facts` (its `Default`) is only a buffer for
/// `facts_from_json_reusing` to fill, not a document.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub(crate) instances: Vec<Instance>,
    pub(crate) slots: Vec<V>,
    /// Elements of the facts' lists.
    pub(crate) items: Vec<V>,
    pub(crate) texts: Vec<Box<str>>,
}

/// Problems collected while reading an input, at most [`MAX_FACT_ERRORS`]
/// (answers, catalogues, ratings).
pub(crate) struct Errors(pub(crate) Vec<FactError>);

impl Errors {
    pub(crate) fn push(&mut self, code: Code, path: String, message: String, help: Option<String>) {
        if self.0.len() < MAX_FACT_ERRORS {
            self.0.push(FactError {
                code,
                path,
                message,
                help,
            });
        }
    }
}

/// One problem in a facts document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactError {
    /// `Code::F0001` (malformed JSON) to `Code::F0007`; see `docs/diagnostics.md`.
    pub code: Code,
    /// Where in the document: `members[1].birth_date`, `""` for the whole document.
    pub path: String,
    pub message: String,
    pub help: Option<String>,
}

/// Everything wrong with a facts document (at most [`MAX_FACT_ERRORS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactsError {
    pub errors: Vec<FactError>,
}

/// Reporting stops after this many problems in one document.
pub const MAX_FACT_ERRORS: usize = 50;

impl fmt::Display for FactsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            if e.path.is_empty() {
                write!(f, "{}: {}", e.code, e.message)?;
            } else {
                write!(f, "{} at `{}`: {}", e.code, e.path, e.message)?;
            }
            if let Some(h) = &e.help {
                write!(f, " ({h})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FactsError {}

impl FactsError {
    /// `what` (a document of `text.len()` bytes) is refused when larger than
    /// `limit`, before it is parsed.
    pub(crate) fn check_size(
        code: Code,
        what: &str,
        text: &str,
        limit: usize,
    ) -> Result<(), FactsError> {
        match text.len() > limit {
            true => Err(FactsError::one(
                code,
                "",
                format!("{what} is too large: more than {limit} bytes"),
            )),
            false => Ok(()),
        }
    }

    pub(crate) fn one(code: Code, path: &str, message: String) -> FactsError {
        FactsError {
            errors: vec![FactError {
                code,
                path: path.to_string(),
                message,
                help: None,
            }],
        }
    }
}

impl Facts {
    pub(crate) fn instance(&self, i: u32) -> Option<&Instance> {
        self.instances.get(i as usize)
    }

    /// The value of a field of an instance: the evaluators read the fields of
    /// the instances the document holds (see [`in_model`]).
    pub(crate) fn slot(&self, inst: u32, field: u32) -> V {
        in_model(
            self.instances
                .get(inst as usize)
                .and_then(|i| self.slots.get(i.slots as usize + field as usize)),
            "a fact's slot",
        )
        .copied()
        .unwrap_or(V::Unknown)
    }

    /// Reads one word of every cache line of the document's instances, slots
    /// and list elements, and returns something of them so that the reads are
    /// kept. A batch touches the next document while it evaluates this one: the
    /// lines arrive while the evaluation runs, instead of one miss after another
    /// when it reaches them (a document freshly built is in cache anyway).
    pub(crate) fn touch(&self) -> u64 {
        // A value is 24 bytes: every second one lands in every 64-byte line.
        let unknowns = |vs: &[V]| vs.iter().step_by(2).filter(|v| v.is_unknown()).count() as u64;
        let entities: u64 = self
            .instances
            .iter()
            .step_by(2)
            .map(|i| u64::from(i.entity))
            .sum();
        unknowns(&self.slots) + unknowns(&self.items) + entities
    }

    /// A text of the document, by the id its builder gave the value.
    pub(crate) fn text(&self, id: u32) -> &str {
        in_model(self.texts.get(id as usize), "a facts text").map_or("", |s| &**s)
    }
}

pub(crate) struct Builder<'a> {
    pub(crate) lowered: &'a Lowered,
    pub(crate) checked: &'a Checked,
    pub(crate) facts: Facts,
    pub(crate) errors: Vec<FactError>,
    /// Every value arrives as text (a CSV cell): `true`/`false` (in any case)
    /// are read as Booleans too (numbers and dates are read from text everywhere).
    pub(crate) text_scalars: bool,
}

/// Where the builder is in the document. Rendered only for an error message, so
/// valid documents never format a path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum JPath<'p> {
    Root,
    Field(&'p JPath<'p>, &'p str),
    Index(&'p JPath<'p>, usize),
    /// A month of a monthly series: `members[0].income[2025-01]`.
    Month(&'p JPath<'p>, i32),
}

impl fmt::Display for JPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JPath::Root => Ok(()),
            JPath::Field(JPath::Root, name) => f.write_str(name),
            JPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            JPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
            JPath::Month(parent, m) => write!(f, "{parent}[{}]", crate::check::month_text(*m)),
        }
    }
}

/// Builds facts from a test's `given` value (already checked).
pub(crate) fn from_value(
    lowered: &Lowered,
    checked: &Checked,
    root: u32,
    value: &Value,
) -> Result<Facts, FactsError> {
    let mut b = Builder {
        lowered,
        checked,
        facts: Facts::default(),
        errors: Vec::new(),
        text_scalars: false,
    };
    b.value_instance(root, u32::MAX, 0, None, value);
    if b.errors.is_empty() {
        Ok(b.facts)
    } else {
        Err(FactsError { errors: b.errors })
    }
}

/// The name of an entity the builder reads (a field's type, or the root).
pub(crate) fn entity_name(checked: &Checked, e: u32) -> &str {
    in_model(
        checked.entities.get(e as usize),
        "an entity the builder reads",
    )
    .map_or("", |e| e.name.as_str())
}

impl<'a> Builder<'a> {
    pub(crate) fn new(lowered: &'a Lowered, checked: &'a Checked) -> Builder<'a> {
        Builder {
            lowered,
            checked,
            facts: Facts::default(),
            errors: Vec::new(),
            text_scalars: false,
        }
    }

    /// A builder filling `spare`'s buffers (emptied) instead of new ones.
    pub(crate) fn reusing(
        lowered: &'a Lowered,
        checked: &'a Checked,
        mut spare: Facts,
    ) -> Builder<'a> {
        spare.instances.clear();
        spare.slots.clear();
        spare.items.clear();
        spare.texts.clear();
        Builder {
            lowered,
            checked,
            facts: spare,
            errors: Vec::new(),
            text_scalars: false,
        }
    }

    pub(crate) fn finish(self) -> Result<Facts, FactsError> {
        if self.errors.is_empty() {
            Ok(self.facts)
        } else {
            Err(FactsError {
                errors: self.errors,
            })
        }
    }

    pub(crate) fn error(
        &mut self,
        code: Code,
        path: &JPath<'_>,
        message: String,
        help: Option<String>,
    ) {
        if self.errors.len() < MAX_FACT_ERRORS {
            self.errors.push(FactError {
                code,
                path: path.to_string(),
                message,
                help,
            });
        }
    }

    pub(crate) fn new_instance(
        &mut self,
        entity: u32,
        owner: u32,
        field: u32,
        index: Option<u32>,
    ) -> u32 {
        let n = in_model(
            self.lowered.entities.get(entity as usize),
            "an entity the builder reads",
        )
        .map_or(0, |e| e.fields.len());
        let id = self.facts.instances.len() as u32;
        self.facts.instances.push(Instance {
            entity,
            owner,
            field,
            index,
            slots: self.facts.slots.len() as u32,
        });
        self.facts.slots.extend(std::iter::repeat_n(V::Unknown, n));
        id
    }

    pub(crate) fn set(&mut self, inst: u32, field: u32, v: V) {
        if let Some(i) = self.facts.instances.get(inst as usize) {
            let at = i.slots as usize + field as usize;
            if let Some(s) = self.facts.slots.get_mut(at) {
                *s = v;
            }
        }
    }

    /// A number outside its fact's declared domain (F0010). The value is
    /// personal data: the message gives the domain, never the value.
    pub(crate) fn check_domain(&mut self, entity: u32, field: u32, v: V, path: &JPath<'_>) {
        let checked = self.checked;
        let Some(f) = checked
            .entities
            .get(entity as usize)
            .and_then(|e| e.fields.get(field as usize))
        else {
            return;
        };
        let (Some(d), Some(x)) = (f.domain, v.as_decimal()) else {
            return;
        };
        if d.contains(x) {
            return;
        }
        self.error(
            Code::F0010,
            path,
            format!("the value is outside the domain of `{}`", f.name),
            Some(format!(
                "`{}` is declared `{}`: give a value in it, or leave it unknown",
                f.name,
                d.text()
            )),
        );
    }

    pub(crate) fn unknown_field(&mut self, entity: u32, key: &str, path: &JPath<'_>) {
        let checked = self.checked;
        let Some(def) = checked.entities.get(entity as usize) else {
            return;
        };
        if let Some(l) = def.lets.iter().find(|l| l.name == key) {
            self.error(
                Code::F0003,
                path,
                format!(
                    "`{key}` is derived (`let {}`), not a fact; it cannot be given",
                    l.name
                ),
                Some("leave it out: the engine computes it".to_string()),
            );
            return;
        }
        let names: Vec<&str> = def.fields.iter().map(|f| f.name.as_str()).collect();
        let help = crate::check::suggest(key, names.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| {
                Some(format!(
                    "`{}` has the facts: {}",
                    def.name,
                    names.join(", ")
                ))
            });
        self.error(
            Code::F0003,
            path,
            format!("`{}` has no fact `{key}`", def.name),
            help,
        );
    }

    /// The variants of an enum the builder reads (a field's type).
    pub(crate) fn variant_list(&self, e: u32) -> String {
        in_model(
            self.lowered.enum_variants.get(e as usize),
            "an enum the builder reads",
        )
        .map(|vs| {
            vs.iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
    }

    pub(crate) fn variant(&mut self, e: u32, s: &str, path: &JPath<'_>) -> V {
        let lowered = self.lowered;
        let variants = lowered.enum_variants.get(e as usize);
        if let Some(i) = variants.and_then(|vs| vs.iter().position(|v| v == s)) {
            return V::Variant(i as u32);
        }
        let enum_name = in_model(
            self.checked.enums.get(e as usize),
            "an enum the builder reads",
        )
        .map_or("", |d| d.name.as_str());
        // The value is personal data: neither it nor a suggestion made from
        // it is echoed; the allowed values are listed instead.
        let help = Some(format!("one of {}", self.variant_list(e)));
        self.error(
            Code::F0005,
            path,
            format!("the value is not a `{enum_name}`"),
            help,
        );
        V::Unknown
    }

    fn value_instance(
        &mut self,
        entity: u32,
        owner: u32,
        field: u32,
        index: Option<u32>,
        value: &Value,
    ) -> u32 {
        let id = self.new_instance(entity, owner, field, index);
        if let Value::Object(_, fields) = value {
            let lowered = self.lowered;
            for (fi, v) in fields {
                // A checked `given` value's fields are its entity's.
                let kind = in_model(
                    lowered
                        .entities
                        .get(entity as usize)
                        .and_then(|e| e.fields.get(*fi)),
                    "a given value's field",
                )
                .map_or(FieldKind::Other, |f| f.kind.clone());
                let v = self.test_value(&kind, id, *fi as u32, v);
                self.set(id, *fi as u32, v);
            }
        }
        id
    }

    fn test_value(&mut self, kind: &FieldKind, owner: u32, field: u32, v: &Value) -> V {
        match (kind, v) {
            (_, Value::Unknown) => V::Unknown,
            (FieldKind::Entity(e), Value::Object(..)) => {
                V::Entity(self.value_instance(*e, owner, field, None, v))
            }
            (FieldKind::List(inner), Value::List(elems)) => {
                let mut values = Vec::with_capacity(elems.len());
                for (i, el) in elems.iter().enumerate() {
                    let v = match (&**inner, el) {
                        (FieldKind::Entity(e), Value::Object(..)) => {
                            V::Entity(self.value_instance(*e, owner, field, Some(i as u32), el))
                        }
                        _ => self.test_value(inner, owner, field, el),
                    };
                    values.push(v);
                }
                let start = self.facts.items.len() as u32;
                let len = values.len() as u32;
                self.facts.items.extend(values);
                V::List(ListRef {
                    scratch: false,
                    start,
                    len,
                })
            }
            (FieldKind::Monthly(inner), Value::Months(months)) => {
                let mut read = MonthsRead { months: Vec::new() };
                for (m, v) in months {
                    let v = self.test_value(inner, owner, field, v);
                    read.months.push((*m, v));
                }
                // A test's series spans what its author wrote; one too long is
                // unknown (the facts document would be refused, F0018).
                read.finish(&mut self.facts, &JPath::Root, &mut |_, _, _, _| {})
            }
            (_, Value::Text(t)) => {
                let id = self.facts.texts.len() as u32;
                self.facts.texts.push(t.as_str().into());
                V::Text(TextRef::Facts(id))
            }
            (_, Value::Bool(b)) => V::Bool(*b),
            (_, Value::Number(d)) => V::number(*d),
            (_, Value::Date(d)) => V::Date(*d),
            (_, Value::Duration(d)) => V::Dur(Dur::from_value(*d)),
            (_, Value::Variant(_, i)) => V::Variant(*i as u32),
            _ => V::Unknown,
        }
    }
}

/// `YYYY-MM-DD`, strictly: four, two and two ASCII digits (no sign), a date
/// that exists. Every date the engine reads goes through here (facts, events,
/// as-of dates), so jiff's general date parser is not linked.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let digits = b
        .iter()
        .enumerate()
        .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !digits {
        return None;
    }
    let y: i16 = s.get(0..4)?.parse().ok()?;
    let m: i8 = s.get(5..7)?.parse().ok()?;
    let d: i8 = s.get(8..10)?.parse().ok()?;
    Date::new(y, m, d).ok()
}

/// A series in a document spans at most this many months (a hundred years).
pub(crate) const MAX_SPAN: i32 = 1200;

/// Reads a series object `{"2025-01": 1200, "2025-02": null}`: each month's
/// value with `seed` at the month's path, then the dense list.
pub(crate) struct MonthsRead {
    pub months: Vec<(i32, V)>,
}

impl MonthsRead {
    /// The series as a list of the facts (see the module's documentation);
    /// F0018 when its months span too long.
    pub(crate) fn finish(
        mut self,
        facts: &mut Facts,
        path: &JPath<'_>,
        errors: &mut dyn FnMut(Code, String, String, Option<String>),
    ) -> V {
        self.months.sort_by_key(|(m, _)| *m);
        let (Some(&(first, _)), Some(&(last, _))) = (self.months.first(), self.months.last())
        else {
            return V::Unknown;
        };
        if last - first >= MAX_SPAN {
            errors(
                Code::F0018,
                path.to_string(),
                format!("the series spans more than {MAX_SPAN} months"),
                Some("give only the months the rules read (at most the last ten years)".into()),
            );
            return V::Unknown;
        }
        let start = facts.items.len() as u32;
        facts.items.push(V::Int(i64::from(first)));
        let len = (last - first + 1) as usize;
        let at = facts.items.len();
        facts.items.extend(std::iter::repeat_n(V::Unknown, len));
        for (m, v) in self.months {
            if let Some(slot) = facts.items.get_mut(at + (m - first) as usize) {
                *slot = v;
            }
        }
        V::List(ListRef {
            scratch: false,
            start,
            len: len as u32 + 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates_are_read_strictly() {
        assert_eq!(
            parse_date("2024-02-29"),
            jiff::civil::Date::new(2024, 2, 29).ok()
        );
        // Not a date (2025 is not a leap year), a signed or short year, other
        // separators, a time: none is a date.
        for bad in [
            "2025-02-29",
            "+123-01-01",
            "-123-01-01",
            "2025/03/01",
            "2025-3-01",
            "20250301",
            "2025-03-01T00:00",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
