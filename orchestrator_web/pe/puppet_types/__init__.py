"""Puppet's type system and its rules for a plan call (orchestrator-api.md 6.1), for the JSON
values PE hands a plan. Plain Python: no Django.

- `parse_type(text, registry)`: a type expression as PE reports it, aliases and all.
- `t.check(value)`: raises TypeMismatch with a path and a plain reason.
- `plan_parameter(...)` / `plan_call(...)`: required or not, what an empty field sends,
  Sensitive wherever it sits.
- `read_json(text)`: JSON that a plan can actually receive.
"""

from .call import OMIT, Call, PlanParameter, Required, plan_call, plan_parameter, sentence, without_value
from .model import (
    AliasType,
    AnyType,
    ArrayType,
    BooleanType,
    EnumType,
    FloatType,
    HashType,
    IntegerType,
    NotUndefType,
    OptionalType,
    PatternType,
    PType,
    RichType,
    SensitiveType,
    StringType,
    StructType,
    TargetSpecType,
    TupleType,
    TypeMismatch,
    TypeSyntaxError,
    UndefType,
    UnresolvedType,
    VariantType,
    describe,
    walk,
)
from .registry import ALIAS_NAME, SHIPPED, Registry, is_core_name, parse_type
from .values import MAX_DEPTH, Default, DefaultKind, JSONProblem, check_json_value, read_default, read_json

__all__ = [
    "ALIAS_NAME",
    "MAX_DEPTH",
    "OMIT",
    "SHIPPED",
    "AliasType",
    "AnyType",
    "ArrayType",
    "BooleanType",
    "Call",
    "Default",
    "DefaultKind",
    "EnumType",
    "FloatType",
    "HashType",
    "IntegerType",
    "JSONProblem",
    "NotUndefType",
    "OptionalType",
    "PType",
    "PatternType",
    "PlanParameter",
    "Registry",
    "Required",
    "RichType",
    "SensitiveType",
    "StringType",
    "StructType",
    "TargetSpecType",
    "TupleType",
    "TypeMismatch",
    "TypeSyntaxError",
    "UndefType",
    "UnresolvedType",
    "VariantType",
    "check_json_value",
    "describe",
    "is_core_name",
    "parse_type",
    "plan_call",
    "plan_parameter",
    "read_default",
    "read_json",
    "sentence",
    "walk",
    "without_value",
]
