//! A members table joined to the households by their id: each household gets
//! a list column (`members`, or the field named) of the member rows that carry
//! its id, in their order. Both tables stream: the member rows must come
//! grouped by household, in the households' order (as a query ordered by
//! household id writes them), so no table is held whole.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{Field, Fields, Schema, SchemaRef};

use crate::Error;
use accord_core::Code;

/// Batches of member rows, as read.
pub type Batches = Box<dyn Iterator<Item = Result<RecordBatch, Error>> + Send>;

/// The members side of a join.
pub struct Join {
    /// The list field the members become (`members`).
    field: String,
    /// The id column's name in both tables.
    id: String,
    batches: Batches,
    /// The batch being consumed, its id column as texts, and the next row.
    current: Option<(RecordBatch, Vec<String>, usize)>,
    /// The member struct's fields (the members table's columns but the id).
    fields: Fields,
    /// The member columns' indices in the members table.
    columns: Vec<usize>,
    /// Member rows read so far (for messages: a row number, never an id).
    read: u64,
    /// Batches read so far: which batch `current` is.
    batch_no: u64,
}

/// The texts of an id column, to compare ids of any type (a CSV's texts with
/// Parquet's integers too).
fn id_texts(column: &dyn Array) -> Result<Vec<String>, Error> {
    let formatter = ArrayFormatter::try_new(column, &FormatOptions::default())?;
    Ok((0..column.len())
        .map(|i| {
            if column.is_null(i) {
                String::new()
            } else {
                formatter.value(i).to_string()
            }
        })
        .collect())
}

impl Join {
    /// Joins the members table (`schema`, `batches`) on the column `id` into the
    /// list field `field`.
    pub fn new(field: &str, id: &str, schema: &Schema, batches: Batches) -> Result<Join, Error> {
        let id_index = schema.index_of(id).map_err(|_| {
            Error::request(
                Code::U0043,
                format!("the members table has no id column `{id}`"),
                Some("give each member row its household's id, in a column of the same name as the households'".into()),
            )
        })?;
        let mut fields = Vec::new();
        let mut columns = Vec::new();
        for (i, f) in schema.fields().iter().enumerate() {
            if i != id_index {
                fields.push(f.clone());
                columns.push(i);
            }
        }
        Ok(Join {
            field: field.to_string(),
            id: id.to_string(),
            batches,
            current: None,
            fields: Fields::from(fields),
            columns,
            read: 0,
            batch_no: 0,
        })
    }

    /// The households' schema with the list field added.
    pub fn schema(&self, households: &Schema) -> SchemaRef {
        let mut fields: Vec<Arc<Field>> = households.fields().iter().cloned().collect();
        fields.push(Arc::new(self.list_field()));
        Arc::new(Schema::new(fields))
    }

    fn list_field(&self) -> Field {
        let item = Field::new_struct("item", self.fields.clone(), false);
        Field::new_list(&self.field, item, true)
    }

    /// The next member row, moving to the next batch when one is used up.
    fn peek(&mut self) -> Result<Option<(&str, usize)>, Error> {
        loop {
            let used_up = match &self.current {
                Some((batch, _, row)) => *row >= batch.num_rows(),
                None => true,
            };
            if !used_up {
                break;
            }
            match self.batches.next() {
                Some(batch) => {
                    let batch = batch?;
                    let id_index = batch.schema().index_of(&self.id)?;
                    let ids = match batch.columns().get(id_index) {
                        Some(c) => id_texts(c.as_ref())?,
                        None => Vec::new(),
                    };
                    self.current = Some((batch, ids, 0));
                    self.batch_no += 1;
                }
                None => {
                    self.current = None;
                    return Ok(None);
                }
            }
        }
        Ok(self
            .current
            .as_ref()
            .and_then(|(_, ids, row)| ids.get(*row).map(|id| (id.as_str(), *row))))
    }

    /// `households` with each household's members as the list column.
    pub fn attach(&mut self, households: &RecordBatch) -> Result<RecordBatch, Error> {
        let id_index = households.schema().index_of(&self.id).map_err(|_| {
            Error::request(
                Code::U0040,
                format!(
                    "the id column `{}` is not a column of the households",
                    self.id
                ),
                None,
            )
        })?;
        let ids = match households.columns().get(id_index) {
            Some(c) => id_texts(c.as_ref())?,
            None => Vec::new(),
        };
        // Member rows taken: (piece, row) into `pieces`, the member batches met.
        let mut pieces: Vec<RecordBatch> = Vec::new();
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut offsets: Vec<i32> = vec![0];
        let mut last_piece: Option<u64> = None;
        for id in &ids {
            loop {
                let matches = match self.peek()? {
                    Some((member_id, _)) => !id.is_empty() && member_id == id,
                    None => false,
                };
                if !matches {
                    break;
                }
                let batch_no = self.batch_no;
                if let Some((batch, _, row)) = &mut self.current {
                    if last_piece != Some(batch_no) {
                        pieces.push(batch.clone());
                        last_piece = Some(batch_no);
                    }
                    taken.push((pieces.len() - 1, *row));
                    *row += 1;
                    self.read += 1;
                }
            }
            let n = i32::try_from(taken.len()).map_err(|_| {
                Error::request(Code::U0043, "too many member rows in one batch", None)
            })?;
            offsets.push(n);
        }
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        for &c in &self.columns {
            let arrays: Vec<&dyn Array> = pieces
                .iter()
                .filter_map(|p| p.columns().get(c).map(|a| a.as_ref()))
                .collect();
            let column = if arrays.is_empty() {
                let t = self
                    .fields
                    .get(columns.len())
                    .map(|f| f.data_type().clone())
                    .unwrap_or(arrow_schema::DataType::Null);
                arrow_array::new_empty_array(&t)
            } else {
                arrow_select::interleave::interleave(&arrays, &taken)?
            };
            columns.push(column);
        }
        let members = StructArray::try_new(self.fields.clone(), columns, None)?;
        let item = Arc::new(Field::new_struct("item", self.fields.clone(), false));
        let list = ListArray::try_new(
            item,
            OffsetBuffer::new(offsets.into()),
            Arc::new(members),
            None,
        )?;
        let schema = self.schema(households.schema_ref());
        let mut columns: Vec<ArrayRef> = households.columns().to_vec();
        columns.push(Arc::new(list));
        Ok(RecordBatch::try_new(schema, columns)?)
    }

    /// After the last household: member rows left over belong to no household,
    /// or came out of the households' order.
    pub fn finish(&mut self) -> Result<(), Error> {
        if self.peek()?.is_some() {
            return Err(Error::request(
                Code::U0043,
                format!(
                    "member row {} has the id of no household after it: the members are out of the households' order, or belong to no household",
                    self.read + 1
                ),
                Some("list the members grouped by household, in the order of the households (sort both by the id)".into()),
            ));
        }
        Ok(())
    }
}
