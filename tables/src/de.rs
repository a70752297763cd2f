//! A row of an Arrow record batch read as a facts document: a serde
//! deserializer over the batch's columns, so the facts are checked by the same
//! seeds as JSON text (same errors, same paths), with no JSON in between.
//!
//! Columns map to facts by name; a struct is an object, a list a list, a map
//! with text keys a monthly series (`"2025-01": value`), a null an unknown fact.
//! Dates (`date32`, `date64`, timestamps without a time zone) are read as
//! civil dates, decimals exactly, dictionary-encoded texts (pandas categories)
//! as their texts. In text mode (CSV) every cell is a text and an empty cell is
//! unknown.
//!
//! Errors name columns and types, never a value.

use std::fmt;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Decimal256Type, Float16Type, Float32Type, Float64Type,
    Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, GenericListArray, OffsetSizeTrait, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// What the deserializer cannot read: a message naming a column or a type.
#[derive(Debug)]
pub(crate) struct DeError(String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

/// Whether Accord can read a column of this type (recursively), else the type.
pub(crate) fn readable(t: &DataType) -> Result<(), String> {
    match t {
        DataType::Null
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(_, _)
        | DataType::Decimal256(_, _)
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, None) => Ok(()),
        DataType::Dictionary(_, v) if matches!(**v, DataType::Utf8 | DataType::LargeUtf8) => Ok(()),
        DataType::List(f) | DataType::LargeList(f) => readable(f.data_type()),
        DataType::Struct(fields) => fields.iter().try_for_each(|f| readable(f.data_type())),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => {
                let (k, v) = (kv.first(), kv.get(1));
                match (k.map(|k| k.data_type()), v) {
                    (Some(DataType::Utf8 | DataType::LargeUtf8), Some(v)) => {
                        readable(v.data_type())
                    }
                    _ => Err(t.to_string()),
                }
            }
            _ => Err(t.to_string()),
        },
        _ => Err(t.to_string()),
    }
}

/// One row of `batch` as a facts document: the columns at `columns` (the
/// others, such as the id column, are not facts).
pub(crate) struct Row<'a> {
    pub batch: &'a RecordBatch,
    pub columns: &'a [usize],
    pub row: usize,
    pub text: bool,
}

impl<'de> de::Deserializer<'de> for Row<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let fields = self.batch.schema_ref().fields();
        let columns = self.batch.columns();
        let row = self.row;
        let entries = self.columns.iter().filter_map(move |&c| {
            let name = fields.get(c)?.name().as_str();
            Some((name, columns.get(c)?, row))
        });
        visitor.visit_map(Entries {
            entries,
            value: None,
            text: self.text,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The fields of an object: (name, column, row) each.
struct Entries<'a, I: Iterator<Item = (&'a str, &'a ArrayRef, usize)>> {
    entries: I,
    value: Option<Cell<'a>>,
    text: bool,
}

impl<'de, 'a, I: Iterator<Item = (&'a str, &'a ArrayRef, usize)>> MapAccess<'de>
    for Entries<'a, I>
{
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((name, array, row)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(Cell {
            array: array.as_ref(),
            row,
            text: self.text,
        });
        seed.deserialize(de::value::StrDeserializer::<DeError>::new(name))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        match self.value.take() {
            Some(cell) => seed.deserialize(cell),
            None => Err(DeError("a value without its column".into())),
        }
    }
}

/// The entries of a map cell: text keys (months) and their values.
struct MapEntries<'a> {
    keys: &'a dyn Array,
    values: &'a dyn Array,
    at: usize,
    end: usize,
    value: Option<Cell<'a>>,
    text: bool,
}

impl<'de> MapAccess<'de> for MapEntries<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.at >= self.end {
            return Ok(None);
        }
        let i = self.at;
        self.at += 1;
        let key = text_at(self.keys, i).ok_or_else(|| DeError("a map key is not a text".into()))?;
        self.value = Some(Cell {
            array: self.values,
            row: i,
            text: self.text,
        });
        seed.deserialize(de::value::StrDeserializer::<DeError>::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, DeError> {
        match self.value.take() {
            Some(cell) => seed.deserialize(cell),
            None => Err(DeError("a map value without its key".into())),
        }
    }
}

/// The elements of a list cell.
struct Elements<'a> {
    values: &'a dyn Array,
    at: usize,
    end: usize,
    text: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.at >= self.end {
            return Ok(None);
        }
        let row = self.at;
        self.at += 1;
        seed.deserialize(Cell {
            array: self.values,
            row,
            text: self.text,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.end.saturating_sub(self.at))
    }
}

/// The text at `i` of a text or dictionary-of-text array.
fn text_at(array: &dyn Array, i: usize) -> Option<&str> {
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(i)),
        DataType::Utf8View => Some(array.as_string_view().value(i)),
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary_opt()?;
            let keys = dict.keys();
            let key = match keys.data_type() {
                DataType::Int8 => usize::try_from(keys.as_primitive::<Int8Type>().value(i)).ok(),
                DataType::Int16 => usize::try_from(keys.as_primitive::<Int16Type>().value(i)).ok(),
                DataType::Int32 => usize::try_from(keys.as_primitive::<Int32Type>().value(i)).ok(),
                DataType::Int64 => usize::try_from(keys.as_primitive::<Int64Type>().value(i)).ok(),
                DataType::UInt8 => Some(usize::from(keys.as_primitive::<UInt8Type>().value(i))),
                DataType::UInt16 => Some(usize::from(keys.as_primitive::<UInt16Type>().value(i))),
                DataType::UInt32 => {
                    usize::try_from(keys.as_primitive::<UInt32Type>().value(i)).ok()
                }
                DataType::UInt64 => {
                    usize::try_from(keys.as_primitive::<UInt64Type>().value(i)).ok()
                }
                _ => None,
            }?;
            let values = dict.values();
            (key < values.len()).then_some(())?;
            text_at(values.as_ref(), key)
        }
        _ => None,
    }
}

/// One value: the `row`-th of `array`.
struct Cell<'a> {
    array: &'a dyn Array,
    row: usize,
    text: bool,
}

/// Days since 1970-01-01 as a `YYYY-MM-DD` text (proleptic Gregorian),
/// written into a buffer of its own: a registry has a date or two a person,
/// and `format!` for each was a fifth of reading the facts.
fn civil_from_days(days: i64) -> Option<DateText> {
    // Howard Hinnant's days-to-civil algorithm.
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if !(0..=9999).contains(&y) {
        return None;
    }
    let digit = |n: i64| b'0' + (n % 10) as u8;
    Some(DateText([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ]))
}

/// `YYYY-MM-DD`: ten ASCII bytes.
struct DateText([u8; 10]);

impl DateText {
    fn as_str(&self) -> &str {
        // Digits and dashes only, so always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl<'a> Cell<'a> {
    fn list<'de, V: Visitor<'de>, O: OffsetSizeTrait>(
        &self,
        list: &'a GenericListArray<O>,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let offsets = list.value_offsets();
        let (Some(start), Some(end)) = (offsets.get(self.row), offsets.get(self.row + 1)) else {
            return Err(DeError("a list cell outside its column".into()));
        };
        visitor.visit_seq(Elements {
            values: list.values().as_ref(),
            at: start.as_usize(),
            end: end.as_usize(),
            text: self.text,
        })
    }

    fn date<'de, V: Visitor<'de>>(days: i64, visitor: V) -> Result<V::Value, DeError> {
        match civil_from_days(days) {
            Some(text) => visitor.visit_str(text.as_str()),
            None => Err(DeError("a date outside the years 0000 to 9999".into())),
        }
    }

    fn timestamp<'de, V: Visitor<'de>>(
        value: i64,
        per_day: i64,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        Cell::date(value.div_euclid(per_day), visitor)
    }
}

impl<'de> de::Deserializer<'de> for Cell<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let (a, i) = (self.array, self.row);
        if i >= a.len() {
            return Err(DeError("a cell outside its column".into()));
        }
        if a.is_null(i) {
            return visitor.visit_unit();
        }
        match a.data_type() {
            DataType::Null => visitor.visit_unit(),
            DataType::Boolean => visitor.visit_bool(a.as_boolean().value(i)),
            DataType::Int8 => visitor.visit_i64(a.as_primitive::<Int8Type>().value(i).into()),
            DataType::Int16 => visitor.visit_i64(a.as_primitive::<Int16Type>().value(i).into()),
            DataType::Int32 => visitor.visit_i64(a.as_primitive::<Int32Type>().value(i).into()),
            DataType::Int64 => visitor.visit_i64(a.as_primitive::<Int64Type>().value(i)),
            DataType::UInt8 => visitor.visit_u64(a.as_primitive::<UInt8Type>().value(i).into()),
            DataType::UInt16 => visitor.visit_u64(a.as_primitive::<UInt16Type>().value(i).into()),
            DataType::UInt32 => visitor.visit_u64(a.as_primitive::<UInt32Type>().value(i).into()),
            DataType::UInt64 => visitor.visit_u64(a.as_primitive::<UInt64Type>().value(i)),
            // A float's shortest text is the decimal that was written (for a
            // float32, its own shortest text: 36.2, not 36.200000762939453).
            DataType::Float16 => {
                visitor.visit_f64(f32::from(a.as_primitive::<Float16Type>().value(i)).into())
            }
            DataType::Float32 => {
                let v = a.as_primitive::<Float32Type>().value(i);
                visitor.visit_f64(v.to_string().parse::<f64>().unwrap_or(f64::from(v)))
            }
            DataType::Float64 => visitor.visit_f64(a.as_primitive::<Float64Type>().value(i)),
            // Decimals exactly, as their text.
            DataType::Decimal128(_, _) => {
                visitor.visit_str(&a.as_primitive::<Decimal128Type>().value_as_string(i))
            }
            DataType::Decimal256(_, _) => {
                visitor.visit_str(&a.as_primitive::<Decimal256Type>().value_as_string(i))
            }
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(_, _) => {
                let Some(s) = text_at(a, i) else {
                    return Err(DeError(format!(
                        "a column of type {} is not a text",
                        a.data_type()
                    )));
                };
                if self.text && s.is_empty() {
                    visitor.visit_unit()
                } else {
                    visitor.visit_str(s)
                }
            }
            DataType::Date32 => Cell::date(a.as_primitive::<Date32Type>().value(i).into(), visitor),
            DataType::Date64 => {
                Cell::timestamp(a.as_primitive::<Date64Type>().value(i), 86_400_000, visitor)
            }
            DataType::Timestamp(unit, None) => {
                let (v, per_day) = match unit {
                    TimeUnit::Second => (a.as_primitive::<TimestampSecondType>().value(i), 86_400),
                    TimeUnit::Millisecond => (
                        a.as_primitive::<TimestampMillisecondType>().value(i),
                        86_400_000,
                    ),
                    TimeUnit::Microsecond => (
                        a.as_primitive::<TimestampMicrosecondType>().value(i),
                        86_400_000_000,
                    ),
                    TimeUnit::Nanosecond => (
                        a.as_primitive::<TimestampNanosecondType>().value(i),
                        86_400_000_000_000,
                    ),
                };
                Cell::timestamp(v, per_day, visitor)
            }
            DataType::List(_) => self.list(a.as_list::<i32>(), visitor),
            DataType::LargeList(_) => self.list(a.as_list::<i64>(), visitor),
            DataType::Struct(fields) => {
                let s = a.as_struct();
                let entries = fields
                    .iter()
                    .zip(s.columns())
                    .map(|(f, c)| (f.name().as_str(), c, i));
                visitor.visit_map(Entries {
                    entries,
                    value: None,
                    text: self.text,
                })
            }
            DataType::Map(_, _) => {
                let m = a.as_map();
                let offsets = m.value_offsets();
                let (Some(start), Some(end)) = (offsets.get(i), offsets.get(i + 1)) else {
                    return Err(DeError("a map cell outside its column".into()));
                };
                visitor.visit_map(MapEntries {
                    keys: m.keys().as_ref(),
                    values: m.values().as_ref(),
                    at: *start as usize,
                    end: *end as usize,
                    value: None,
                    text: self.text,
                })
            }
            other => Err(DeError(format!("a column of type {other} cannot be read"))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_are_civil_dates() {
        // 0 is the epoch; 19_782 days later is 2024-02-29 (54 years: 13 leap
        // days from 1972 to 2020, 54 × 365 + 13 = 19_723 to 2024-01-01, then
        // 31 + 28 days into 2024).
        assert_eq!(
            civil_from_days(0).as_ref().map(|d| d.as_str()),
            Some("1970-01-01")
        );
        assert_eq!(
            civil_from_days(19_782).as_ref().map(|d| d.as_str()),
            Some("2024-02-29")
        );
        // The day before the epoch.
        assert_eq!(
            civil_from_days(-1).as_ref().map(|d| d.as_str()),
            Some("1969-12-31")
        );
        // The last day in range, and year 10000 out of it.
        assert_eq!(
            civil_from_days(2_932_896).as_ref().map(|d| d.as_str()),
            Some("9999-12-31")
        );
        assert!(civil_from_days(2_932_897).is_none());
        // Years before 1000 are padded: 0001-01-01 is 719 162 days before the
        // epoch (1969 years of 365 days and 477 leap days).
        assert_eq!(1969 * 365 + 477, 719_162);
        assert_eq!(
            civil_from_days(-719_162).as_ref().map(|d| d.as_str()),
            Some("0001-01-01")
        );
    }
}
