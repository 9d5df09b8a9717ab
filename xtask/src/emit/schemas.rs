//! `components`: the models as schemas, the enum schemas with their names, and
//! the security schemes.

use super::*;

impl Emitter<'_> {
    /// The component for an enum parameter, named by the overlay; inline without one.
    pub(super) fn enum_schema(
        &mut self,
        endpoint: &Endpoint,
        param: &str,
        ty: &TypeExpr,
        line: usize,
        hint: &str,
    ) -> Value {
        let key = format!("{} {} {}", endpoint.method, endpoint.path, param);
        let Some(facts) = self
            .overlay
            .enums
            .iter()
            .find(|e| e.used_by.contains(&key))
            .cloned()
        else {
            // Text values name themselves; numbers have no names to give.
            if matches!(ty, TypeExpr::IntEnum(_)) {
                self.md.warn(line, format!("enum parameter `{param}` has no `enums` entry in the overlay (`{key}`); it is named `{hint}`, its values without names"));
            }
            return self.schema_for_named(ty, line, hint);
        };
        let mut schema = Map::new();
        match ty {
            TypeExpr::IntEnum(values) => {
                schema.insert("type".into(), json!("integer"));
                schema.insert("format".into(), json!("int32"));
                schema.insert("description".into(), json!(facts.description));
                schema.insert("enum".into(), json!(values));
                if !facts.names.is_empty() {
                    let mut names = Vec::new();
                    for value in values {
                        match facts.names.get(value) {
                            Some(name) => names.push(json!(name)),
                            // Deliberately unnamed: no variant, sent as the number.
                            None if facts.unnamed.contains(value) => names.push(Value::Null),
                            None => {
                                self.md.warn(line, format!("`{param}` value {value} has no name in the overlay's `{}`; named `Value{value}`", facts.name));
                                names.push(json!(format!("Value{value}")));
                            }
                        }
                    }
                    schema.insert("x-enum-varnames".into(), json!(names));
                }
            }
            TypeExpr::StrEnum(values) => {
                schema.insert("type".into(), json!("string"));
                schema.insert("description".into(), json!(facts.description));
                schema.insert("enum".into(), json!(values));
            }
            _ => {}
        }
        if facts.inferred {
            schema.insert("x-roblox-inferred".into(), json!(true));
        }
        schema.insert("x-roblox-source".into(), json!(facts.source));
        let schema = Value::Object(schema);
        match self.schemas.get(&facts.name) {
            Some(existing) if existing != &schema => self.md.error(
                line,
                format!("`{param}` shares the overlay enum `{}` with another parameter, but its values differ", facts.name),
            ),
            _ => {
                self.schemas.insert(facts.name.clone(), schema);
            }
        }
        self.used_enums.insert(key);
        json!({"$ref": format!("#/components/schemas/{}", facts.name)})
    }

    pub(super) fn security_schemes(&mut self, scopes: &BTreeSet<String>) -> Value {
        let mut out = Map::new();
        for scheme in &self.doc.auth {
            let Some(facts) = self.overlay.scheme(&scheme.id).cloned() else {
                self.ov.error(
                    0,
                    format!(
                        "`security_schemes` has no entry for the document's `{}`",
                        scheme.id
                    ),
                );
                continue;
            };
            let value = match &scheme.kind {
                crate::document::AuthKind::ApiKey { header } => {
                    json!({"type": "apiKey", "description": scheme.description, "name": header, "in": "header"})
                }
                crate::document::AuthKind::Cookie { name } => {
                    json!({"type": "apiKey", "description": scheme.description, "name": name, "in": "cookie"})
                }
                crate::document::AuthKind::OAuth2 {
                    authorization_url,
                    token_url,
                } => {
                    let mut scope_map = Map::new();
                    for scope in scopes {
                        let description = match facts.scopes.get(scope) {
                            Some(d) => d.clone(),
                            None => {
                                self.ov.warn(
                                    0,
                                    format!(
                                        "scope `{scope}` has no description in `security_schemes`"
                                    ),
                                );
                                String::new()
                            }
                        };
                        scope_map.insert(scope.clone(), json!(description));
                    }
                    let mut flow = Map::new();
                    flow.insert("authorizationUrl".into(), json!(authorization_url));
                    flow.insert("tokenUrl".into(), json!(token_url));
                    if let Some(refresh) = &facts.refresh_url {
                        flow.insert("refreshUrl".into(), json!(refresh));
                    }
                    flow.insert("scopes".into(), Value::Object(scope_map));
                    json!({"type": "oauth2", "description": scheme.description, "flows": {"authorizationCode": flow}})
                }
            };
            out.insert(facts.name.clone(), value);
        }
        Value::Object(out)
    }

    /// Emits the document's models, then the overlay's (in their order).
    pub(super) fn model_schemas(&mut self) {
        let doc = self.doc;
        for model in &doc.models {
            let mut properties = Map::new();
            let mut required = Vec::new();
            let short = short_name(&model.name);
            for property in &model.properties {
                let hint = format!("{short}{}", pascal(&property.name));
                let mut schema = self.schema_for_named(&property.ty, property.line, &hint);
                for patch in &self.overlay.patches {
                    if glob_match(&patch.schema, &model.name)
                        && patch.property == property.name
                        && patch.nullable
                    {
                        if let Some(obj) = schema.as_object_mut() {
                            obj.insert("nullable".into(), json!(true));
                        }
                    }
                }
                if !property.description.is_empty() {
                    if let Some(obj) = schema.as_object_mut() {
                        if obj.contains_key("$ref") {
                            schema =
                                json!({"allOf": [schema], "description": property.description});
                        } else {
                            obj.insert("description".into(), json!(property.description));
                        }
                    }
                }
                if property.required {
                    required.push(property.name.clone());
                }
                properties.insert(property.name.clone(), schema);
            }
            let mut schema = Map::new();
            schema.insert("type".into(), json!("object"));
            if let Some(description) = &model.description {
                schema.insert("description".into(), json!(description));
            }
            if !required.is_empty() {
                schema.insert("required".into(), json!(required));
            }
            schema.insert("properties".into(), Value::Object(properties));
            if short != model.name {
                schema.insert("x-roblox-name".into(), json!(model.name));
            }
            self.schemas.insert(short, Value::Object(schema));
        }
        for patch in &self.overlay.patches {
            let hit = doc.models.iter().any(|m| {
                glob_match(&patch.schema, &m.name)
                    && m.properties.iter().any(|p| p.name == patch.property)
            });
            if !hit {
                self.ov.warn(
                    0,
                    format!(
                        "patch `{}`.`{}` matches no property of the document's models",
                        patch.schema, patch.property
                    ),
                );
            }
        }
        let overlay = self.overlay;
        for facts in &overlay.schemas {
            let mut schema = facts.schema.clone();
            self.rewrite_refs(&mut schema, &facts.name);
            if let Some(obj) = schema.as_object_mut() {
                let short = short_name(&facts.name);
                if short != facts.name {
                    obj.insert("x-roblox-name".into(), json!(facts.name));
                }
                obj.insert("x-roblox-source".into(), json!(facts.source));
            }
            if let Err(e) = serde_json::from_value::<openapiv3::Schema>(schema.clone()) {
                self.ov.error(
                    0,
                    format!(
                        "schema `{}` is not a valid OpenAPI 3.0 schema: {e}",
                        facts.name
                    ),
                );
                continue;
            }
            self.schemas.insert(short_name(&facts.name), schema);
        }
    }

    /// Rewrites `$ref`s from Roblox names to component names, reporting unknown ones.
    pub(super) fn rewrite_refs(&mut self, value: &mut Value, owner: &str) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "$ref" {
                        if let Value::String(target) = child {
                            let name = target
                                .trim_start_matches("#/components/schemas/")
                                .to_string();
                            match self.models.get(&name) {
                                Some(short) => {
                                    self.used_schemas.insert(name.clone());
                                    *target = format!("#/components/schemas/{short}");
                                }
                                None => self.ov.error(0, format!("schema `{owner}` refers to `{name}`, which is defined nowhere")),
                            }
                        }
                    } else {
                        self.rewrite_refs(child, owner);
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.rewrite_refs(item, owner);
                }
            }
            _ => {}
        }
    }
}

pub(super) fn primitive_name(p: Primitive) -> &'static str {
    match p {
        Primitive::String => "string",
        Primitive::Integer => "integer",
        Primitive::Number => "number",
        Primitive::Boolean => "boolean",
    }
}
