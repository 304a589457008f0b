//! From the SDK's typed outputs to the AWS CLI's JSON, and back for the few
//! inputs live mode builds from JSON (a task definition revision).
//!
//! The CLI prints what botocore parsed: the model's member names, in model
//! order, absent members left out, timestamps in ISO 8601. ECS's SDK carries
//! schemas, so one [`ShapeSerializer`] writes any ECS type ([`ecs_json`]);
//! the other services' types get a generated [`ToJson`] (`shapes.rs`).

use crate::time::iso;
use aws_smithy_schema::serde::{SerdeError, SerializableStruct, ShapeSerializer};
use aws_smithy_schema::Schema;
use aws_smithy_types::{BigDecimal, BigInteger, Blob, DateTime, Document, Number};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A value as the AWS CLI prints it.
pub trait ToJson {
    /// The CLI's JSON for this value.
    fn to_json(&self) -> Value;
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                serde_json::json!(*self)
            }
        }
    )*};
}
number!(i32, i64, f32, f64);

impl ToJson for DateTime {
    fn to_json(&self) -> Value {
        Value::String(timestamp(self))
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for HashMap<String, T> {
    fn to_json(&self) -> Value {
        // A map's order is not the service's; sorted keys at least keep output stable.
        let mut keys: Vec<&String> = self.keys().collect();
        keys.sort();
        Value::Object(
            keys.into_iter()
                .map(|k| (k.clone(), self[k].to_json()))
                .collect(),
        )
    }
}

/// Inserts an optional member when it is present.
pub fn put<T: ToJson>(m: &mut Map<String, Value>, key: &str, v: &Option<T>) {
    if let Some(v) = v {
        m.insert(key.to_string(), v.to_json());
    }
}

/// Inserts a required member.
pub fn put_req<T: ToJson>(m: &mut Map<String, Value>, key: &str, v: &T) {
    m.insert(key.to_string(), v.to_json());
}

/// A timestamp as the CLI prints it (Python's `isoformat` in UTC).
pub fn timestamp(t: &DateTime) -> String {
    let ms = t.secs() * 1000 + i64::from(t.subsec_nanos() / 1_000_000);
    iso(ms)
}

/// Any ECS value (an operation's output or a type) as the CLI prints it.
pub fn ecs_json(value: &dyn SerializableStruct) -> Value {
    let mut ser = ValueSerializer::default();
    match ser.write_struct(value.schema(), value) {
        Ok(()) => ser.finished.unwrap_or(Value::Null),
        // The serializer itself never fails; an SDK bug would surface here.
        Err(e) => Value::String(format!("<unprintable: {e}>")),
    }
}

/// Builds an ECS value from the CLI's JSON for it (member names as keys).
pub fn ecs_from_json<T>(
    value: &Value,
    deserialize: fn(&mut dyn aws_smithy_schema::serde::ShapeDeserializer) -> Result<T, SerdeError>,
) -> Result<T, String> {
    use aws_smithy_schema::codec::Codec;
    let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    let codec = aws_smithy_json::codec::JsonCodec::new(
        aws_smithy_json::codec::JsonCodecSettings::builder()
            .use_json_name(false)
            .build(),
    );
    let mut de = codec.create_deserializer(&bytes);
    deserialize(&mut de).map_err(|e| e.to_string())
}

/// Writes a value into a [`serde_json::Value`] keyed by member names, in the
/// order the SDK writes members (the model's).
#[derive(Default)]
struct ValueSerializer {
    stack: Vec<Frame>,
    finished: Option<Value>,
}

enum Frame {
    Struct(Map<String, Value>),
    List(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

impl ValueSerializer {
    fn commit(&mut self, schema: &Schema<'_>, v: Value) -> Result<(), SerdeError> {
        match self.stack.last_mut() {
            None => {
                self.finished = Some(v);
                Ok(())
            }
            Some(Frame::Struct(m)) => {
                let name = schema.member_name().ok_or_else(|| {
                    SerdeError::custom(format!(
                        "a member of a structure without a member name ({})",
                        schema.shape_id().as_str()
                    ))
                })?;
                m.insert(name.to_string(), v);
                Ok(())
            }
            Some(Frame::List(items)) => {
                items.push(v);
                Ok(())
            }
            Some(Frame::Map(m, key)) => {
                match key.take() {
                    Some(k) => {
                        m.insert(k, v);
                    }
                    None => {
                        *key = Some(match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        })
                    }
                }
                Ok(())
            }
        }
    }

    fn nested(
        &mut self,
        schema: &Schema<'_>,
        frame: Frame,
        fill: &dyn Fn(&mut dyn ShapeSerializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        self.stack.push(frame);
        fill(self)?;
        let v = match self.stack.pop() {
            Some(Frame::Struct(m)) | Some(Frame::Map(m, _)) => Value::Object(m),
            Some(Frame::List(items)) => Value::Array(items),
            None => return Err(SerdeError::custom("unbalanced serializer frames")),
        };
        self.commit(schema, v)
    }
}

fn document(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(n)) => serde_json::json!(n),
        Document::Number(Number::NegInt(n)) => serde_json::json!(n),
        Document::Number(Number::Float(f)) => serde_json::json!(f),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(a) => Value::Array(a.iter().map(document).collect()),
        Document::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), document(&o[k])))
                    .collect(),
            )
        }
    }
}

impl ShapeSerializer for ValueSerializer {
    fn write_struct(
        &mut self,
        schema: &Schema<'_>,
        value: &dyn SerializableStruct,
    ) -> Result<(), SerdeError> {
        self.stack.push(Frame::Struct(Map::new()));
        value.serialize_members(self)?;
        let v = match self.stack.pop() {
            Some(Frame::Struct(m)) => Value::Object(m),
            _ => return Err(SerdeError::custom("unbalanced serializer frames")),
        };
        self.commit(schema, v)
    }

    fn write_list(
        &mut self,
        schema: &Schema<'_>,
        write_elements: &dyn Fn(&mut dyn ShapeSerializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        self.nested(schema, Frame::List(Vec::new()), write_elements)
    }

    fn write_map(
        &mut self,
        schema: &Schema<'_>,
        write_entries: &dyn Fn(&mut dyn ShapeSerializer) -> Result<(), SerdeError>,
    ) -> Result<(), SerdeError> {
        self.nested(schema, Frame::Map(Map::new(), None), write_entries)
    }

    fn write_boolean(&mut self, schema: &Schema<'_>, value: bool) -> Result<(), SerdeError> {
        self.commit(schema, Value::Bool(value))
    }

    fn write_byte(&mut self, schema: &Schema<'_>, value: i8) -> Result<(), SerdeError> {
        self.commit(schema, value.into())
    }

    fn write_short(&mut self, schema: &Schema<'_>, value: i16) -> Result<(), SerdeError> {
        self.commit(schema, value.into())
    }

    fn write_integer(&mut self, schema: &Schema<'_>, value: i32) -> Result<(), SerdeError> {
        self.commit(schema, value.into())
    }

    fn write_long(&mut self, schema: &Schema<'_>, value: i64) -> Result<(), SerdeError> {
        self.commit(schema, value.into())
    }

    fn write_float(&mut self, schema: &Schema<'_>, value: f32) -> Result<(), SerdeError> {
        self.commit(schema, serde_json::json!(value))
    }

    fn write_double(&mut self, schema: &Schema<'_>, value: f64) -> Result<(), SerdeError> {
        self.commit(schema, serde_json::json!(value))
    }

    fn write_big_integer(
        &mut self,
        schema: &Schema<'_>,
        value: &BigInteger,
    ) -> Result<(), SerdeError> {
        self.commit(schema, Value::String(value.as_ref().to_string()))
    }

    fn write_big_decimal(
        &mut self,
        schema: &Schema<'_>,
        value: &BigDecimal,
    ) -> Result<(), SerdeError> {
        self.commit(schema, Value::String(value.as_ref().to_string()))
    }

    fn write_string(&mut self, schema: &Schema<'_>, value: &str) -> Result<(), SerdeError> {
        self.commit(schema, Value::String(value.to_string()))
    }

    fn write_blob(&mut self, schema: &Schema<'_>, value: Blob) -> Result<(), SerdeError> {
        self.commit(
            schema,
            Value::String(aws_smithy_types::base64::encode(value.as_ref())),
        )
    }

    fn write_timestamp(&mut self, schema: &Schema<'_>, value: &DateTime) -> Result<(), SerdeError> {
        self.commit(schema, Value::String(timestamp(value)))
    }

    fn write_document(&mut self, schema: &Schema<'_>, value: &Document) -> Result<(), SerdeError> {
        self.commit(schema, document(value))
    }

    fn write_null(&mut self, schema: &Schema<'_>) -> Result<(), SerdeError> {
        self.commit(schema, Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{
        ContainerDefinition, DeploymentCircuitBreaker, LogConfiguration, LogDriver,
    };

    #[test]
    fn ecs_types_print_with_model_member_names_in_model_order() {
        let cb = DeploymentCircuitBreaker::builder()
            .enable(true)
            .rollback(false)
            .build();
        let v = ecs_json(&cb);
        assert_eq!(v.to_string(), r#"{"enable":true,"rollback":false}"#);
    }

    #[test]
    fn a_container_definition_survives_json_and_back() {
        let c = ContainerDefinition::builder()
            .name("app")
            .image("nginx")
            .memory(384)
            .log_configuration(
                LogConfiguration::builder()
                    .log_driver(LogDriver::Awslogs)
                    .options("awslogs-group", "/ecs/app")
                    .build()
                    .unwrap(),
            )
            .build();
        let v = ecs_json(&c);
        assert_eq!(v["logConfiguration"]["logDriver"], "awslogs");
        assert_eq!(
            v["logConfiguration"]["options"]["awslogs-group"],
            "/ecs/app"
        );
        let back = ecs_from_json(&v, ContainerDefinition::deserialize).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn timestamps_print_as_the_cli_prints_them() {
        assert_eq!(
            timestamp(&DateTime::from_millis(1_772_460_000_000)),
            "2026-03-02T14:00:00+00:00"
        );
        assert_eq!(
            timestamp(&DateTime::from_millis(1_772_460_000_250)),
            "2026-03-02T14:00:00.250000+00:00"
        );
    }
}
