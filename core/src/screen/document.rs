//! The opening every JSON document read beside the facts shares (answers,
//! catalogues, ratings, assessment results): refused when too large before it
//! is parsed, a syntax error reported without the values it quotes, and the
//! list the document is built around.

use serde_json::Value as Json;

use super::facts::{FactError, FactsError};
use crate::codes::Code;

/// How one kind of document is named and which codes its opening reports.
pub(crate) struct JsonDocument {
    /// The document in messages: "the catalogue".
    pub name: &'static str,
    /// `name`'s verb: "is", or "are" for a plural ("the ratings are").
    pub verb: &'static str,
    /// The code when the document is larger than
    /// [`MAX_DOCUMENT_BYTES`](crate::limits::MAX_DOCUMENT_BYTES); `None`
    /// when the caller bounds it itself.
    pub too_large: Option<Code>,
    /// The code when the document is not valid JSON or lacks its list.
    pub malformed: Code,
}

impl JsonDocument {
    /// The document parsed, once its size is checked.
    pub(crate) fn parse(&self, json: &str) -> Result<Json, FactError> {
        if let Some(code) = self.too_large {
            let limit = crate::limits::MAX_DOCUMENT_BYTES;
            if json.len() > limit {
                return Err(self.problem(
                    code,
                    "",
                    format!("{} is too large: more than {limit} bytes", self.name),
                ));
            }
        }
        serde_json::from_str(json).map_err(|e| {
            self.problem(
                self.malformed,
                "",
                format!(
                    "{} {} not valid JSON: {}",
                    self.name,
                    self.verb,
                    crate::redact::serde_message(&e)
                ),
            )
        })
    }

    /// The list under `key` that the document is built around; when it is
    /// missing or not a list, `message` at `path`.
    pub(crate) fn list<'d>(
        &self,
        doc: &'d Json,
        key: &str,
        path: &str,
        message: &str,
    ) -> Result<&'d [Json], FactError> {
        match doc.get(key).and_then(Json::as_array) {
            Some(list) => Ok(list),
            None => Err(self.problem(self.malformed, path, message.to_string())),
        }
    }

    fn problem(&self, code: Code, path: &str, message: String) -> FactError {
        FactError {
            code,
            path: path.to_string(),
            message,
            help: None,
        }
    }
}

impl From<FactError> for FactsError {
    fn from(e: FactError) -> FactsError {
        FactsError { errors: vec![e] }
    }
}
