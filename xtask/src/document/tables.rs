//! The parameter and model tables, with their type cells.

use super::*;

impl Parser<'_> {
    pub(super) fn param_table(&mut self, table: &Table, line: usize) {
        let Some(columns) = self.columns(
            table,
            line,
            &["Name", "In", "Type", "Required", "Description"],
        ) else {
            return;
        };
        let mut params = Vec::new();
        for row in &table.rows {
            if !self.row_ok(row, table) {
                continue;
            }
            let cell = |name: &str| &row.cells[columns[name]];
            let name = to_plain(cell("Name")).trim().to_string();
            let location = to_plain(cell("In")).trim().to_ascii_lowercase();
            if !["path", "query", "header", "cookie"].contains(&location.as_str()) {
                self.diags.error(row.line, format!("parameter `{name}`: `{location}` is not a location (path, query, header, cookie)"));
                continue;
            }
            let Some((required, ty, description)) = self.typed_row(
                [cell("Required"), cell("Type"), cell("Description")],
                row.line,
                &name,
            ) else {
                continue;
            };
            params.push(Param {
                line: row.line,
                name,
                location,
                ty,
                required,
                description,
            });
        }
        if let Some(endpoint) = self.endpoints.last_mut() {
            endpoint.params = params;
        }
    }

    pub(super) fn model_table(&mut self, table: &Table, line: usize) {
        let Some(columns) = self.columns(
            table,
            line,
            &["Property", "Type", "Required", "Description"],
        ) else {
            return;
        };
        let mut properties = Vec::new();
        for row in &table.rows {
            if !self.row_ok(row, table) {
                continue;
            }
            let cell = |name: &str| &row.cells[columns[name]];
            let name = to_plain(cell("Property")).trim().to_string();
            let Some((required, ty, description)) = self.typed_row(
                [cell("Required"), cell("Type"), cell("Description")],
                row.line,
                &name,
            ) else {
                continue;
            };
            properties.push(Property {
                line: row.line,
                name,
                ty,
                required,
                description,
            });
        }
        match self.models.last_mut() {
            Some(model) => model.properties = properties,
            None => self
                .diags
                .error(line, "a property table before any model heading"),
        }
    }

    /// Maps the wanted column names to their positions, or reports the header.
    pub(super) fn columns(
        &mut self,
        table: &Table,
        line: usize,
        wanted: &[&'static str],
    ) -> Option<std::collections::HashMap<&'static str, usize>> {
        let header: Vec<String> = table
            .header
            .iter()
            .map(|c| to_plain(c).trim().to_string())
            .collect();
        let mut map = std::collections::HashMap::new();
        for name in wanted {
            match header.iter().position(|h| h.eq_ignore_ascii_case(name)) {
                Some(i) => {
                    map.insert(*name, i);
                }
                None => {
                    self.diags.error(
                        line,
                        format!(
                            "the table has no `{name}` column (its columns: {}; expected {})",
                            header.join(", "),
                            wanted.join(", ")
                        ),
                    );
                    return None;
                }
            }
        }
        Some(map)
    }

    pub(super) fn row_ok(&mut self, row: &markdown::Row, table: &Table) -> bool {
        if row.source_cells != table.header.len() {
            self.diags.error(
                row.line,
                format!(
                    "this table row has {} cells but the header has {} (an unescaped `|` in a cell?)",
                    row.source_cells,
                    table.header.len()
                ),
            );
            return false;
        }
        true
    }

    pub(super) fn yes_no(&mut self, cell: &[Inline], line: usize, name: &str) -> Option<bool> {
        match to_plain(cell).trim().to_ascii_lowercase().as_str() {
            "yes" | "true" => Some(true),
            "no" | "false" | "" => Some(false),
            other => {
                self.diags.error(
                    line,
                    format!("`{name}`: Required must be Yes or No, not `{other}`"),
                );
                None
            }
        }
    }

    /// Reads a type cell and its description, folding a `Valid values:` list in
    /// the description into the type.
    /// A row's required, type and description cells (a parameter or a
    /// property), each checked: `None` when one was reported.
    fn typed_row(
        &mut self,
        [required, ty, description]: [&[Inline]; 3],
        line: usize,
        name: &str,
    ) -> Option<(bool, TypeExpr, String)> {
        let required = self.yes_no(required, line, name)?;
        let (ty, description) = self.typed_description(ty, description, line, name)?;
        Some((required, ty, description))
    }

    pub(super) fn typed_description(
        &mut self,
        type_cell: &[Inline],
        description_cell: &[Inline],
        line: usize,
        name: &str,
    ) -> Option<(TypeExpr, String)> {
        let description = to_markdown(description_cell);
        let (description, valid) = match description.find("Valid values:") {
            Some(at) => {
                let values: Vec<String> = description[at..]
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect();
                (description[..at].trim().to_string(), Some(values))
            }
            None => (description.trim().to_string(), None),
        };
        let ty = match parse_type(&to_plain(type_cell)) {
            Ok(ty) => ty,
            Err(message) => {
                self.diags.error(line, format!("`{name}`: {message}"));
                return None;
            }
        };
        let ty = match (ty, valid) {
            (Parsed::Type(ty), None) => ty,
            (Parsed::EnumOf(base, count), Some(values)) => {
                if values.len() != count {
                    self.diags.error(
                        line,
                        format!(
                            "`{name}`: the type says {count} values but the description lists {}",
                            values.len()
                        ),
                    );
                    return None;
                }
                match enum_of(base, &values) {
                    Ok(ty) => ty,
                    Err(message) => {
                        self.diags.error(line, format!("`{name}`: {message}"));
                        return None;
                    }
                }
            }
            (Parsed::EnumOf(_, count), None) => {
                self.diags.error(line, format!("`{name}`: the type says {count} values but no `Valid values:` list follows"));
                return None;
            }
            (Parsed::Type(ty), Some(values)) => {
                let listed = match &ty {
                    TypeExpr::IntEnum(v) => v.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
                    TypeExpr::StrEnum(v) => v.clone(),
                    TypeExpr::Primitive(p) => match enum_of(*p, &values) {
                        Ok(ty) => return Some((ty, description)),
                        Err(message) => {
                            self.diags.error(line, format!("`{name}`: {message}"));
                            return None;
                        }
                    },
                    _ => {
                        self.diags.error(
                            line,
                            format!("`{name}`: `Valid values:` on a type that cannot be an enum"),
                        );
                        return None;
                    }
                };
                if listed != values {
                    self.diags.error(
                        line,
                        format!(
                            "`{name}`: the type lists {} but `Valid values:` lists {}",
                            listed.join(", "),
                            values.join(", ")
                        ),
                    );
                    return None;
                }
                ty
            }
        };
        Some((ty, description))
    }
}
