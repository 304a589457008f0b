//! Rendering a response as the AWS CLI does: `--query` (JMESPath) first, then
//! `--output json|text|table`.
