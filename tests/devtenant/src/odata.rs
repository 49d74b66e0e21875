//! OData query options as Graph reads them: a `$filter` parser and evaluator over JSON, `$select`,
//! `$top`, `$orderby`. Each endpoint says which filters it supports; anything else is Graph's 400.

use serde_json::Value;
use std::cmp::Ordering;

/// A parsed `$filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `property op literal`, e.g. `state eq 'delivered'`.
    Compare(String, Op, Literal),
    /// `startswith(property, 'x')`, `endswith`, `contains`.
    Call(String, String, String),
    /// `property in ('a', 'b')`.
    In(String, Vec<Literal>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(f64),
    Open,
    Close,
    Comma,
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' => (out.push(Token::Open), i += 1).1,
            ')' => (out.push(Token::Close), i += 1).1,
            ',' => (out.push(Token::Comma), i += 1).1,
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated string literal".into()),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => (s.push('\''), i += 2).1,
                        Some('\'') => break,
                        Some(ch) => (s.push(*ch), i += 1).1,
                    }
                }
                i += 1;
                out.push(Token::Str(s));
            }
            c if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '-' | ':')) {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                // GUIDs and date-times are written bare in OData; keep them as strings.
                out.push(text.parse::<f64>().map(Token::Num).unwrap_or(Token::Str(text)));
            }
            c if c.is_alphabetic() || c == '_' || c == '@' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '/' | '.' | '@')) {
                    i += 1;
                }
                out.push(Token::Ident(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

/// Parses a `$filter` value. Nesting is bounded so hostile input cannot exhaust the stack.
pub fn parse_filter(input: &str) -> Result<Expr, String> {
    if input.len() > 2048 {
        return Err("the filter is too long".into());
    }
    let mut p = Parser { tokens: tokenize(input)?, pos: 0 };
    let e = p.or(0)?;
    if p.pos != p.tokens.len() {
        return Err(format!("unexpected '{}'", p.describe()));
    }
    Ok(e)
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn describe(&self) -> String {
        match self.peek() {
            Some(Token::Ident(s)) | Some(Token::Str(s)) => s.clone(),
            Some(Token::Num(n)) => n.to_string(),
            Some(Token::Open) => "(".into(),
            Some(Token::Close) => ")".into(),
            Some(Token::Comma) => ",".into(),
            None => "end of input".into(),
        }
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Ident(s)) if s.eq_ignore_ascii_case(word)) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn expect(&mut self, t: Token) -> Result<(), String> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected {t:?} but found '{}'", self.describe()))
        }
    }

    fn or(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.and(depth)?;
        while self.keyword("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and(depth)?));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.unary(depth)?;
        while self.keyword("and") {
            left = Expr::And(Box::new(left), Box::new(self.unary(depth)?));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, String> {
        if depth > 32 {
            return Err("the filter nests too deeply".into());
        }
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let e = self.or(depth + 1)?;
            self.expect(Token::Close)?;
            return Ok(e);
        }
        let Some(Token::Ident(name)) = self.peek().cloned() else {
            return Err(format!("expected a property or function but found '{}'", self.describe()));
        };
        self.pos += 1;
        if self.peek() == Some(&Token::Open) {
            return self.call(name);
        }
        if self.keyword("in") {
            self.expect(Token::Open)?;
            let mut values = vec![self.literal()?];
            while self.peek() == Some(&Token::Comma) {
                self.pos += 1;
                values.push(self.literal()?);
            }
            self.expect(Token::Close)?;
            return Ok(Expr::In(name, values));
        }
        let op = match self.peek() {
            Some(Token::Ident(w)) => match w.to_ascii_lowercase().as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "lt" => Op::Lt,
                "le" => Op::Le,
                _ => return Err(format!("unknown operator '{w}'")),
            },
            _ => {
                return Err(format!("expected an operator after '{name}' but found '{}'", self.describe()));
            }
        };
        self.pos += 1;
        Ok(Expr::Compare(name, op, self.literal()?))
    }

    fn call(&mut self, function: String) -> Result<Expr, String> {
        let f = function.to_ascii_lowercase();
        if !matches!(f.as_str(), "startswith" | "endswith" | "contains") {
            return Err(format!("unknown function '{function}'"));
        }
        self.expect(Token::Open)?;
        let Some(Token::Ident(mut prop)) = self.peek().cloned() else {
            return Err(format!("{f} takes a property first"));
        };
        self.pos += 1;
        // `contains(tolower(displayName),'staff')`, as Graph's pages write it: comparisons here
        // ignore case anyway, so `tolower` of a property is the property.
        if prop.eq_ignore_ascii_case("tolower") && self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let Some(Token::Ident(inner)) = self.peek().cloned() else {
                return Err("tolower takes a property".into());
            };
            self.pos += 1;
            self.expect(Token::Close)?;
            prop = inner;
        }
        self.expect(Token::Comma)?;
        let Literal::Str(value) = self.literal()? else {
            return Err(format!("{f} takes a string second"));
        };
        self.expect(Token::Close)?;
        Ok(Expr::Call(f, prop, value))
    }

    fn literal(&mut self) -> Result<Literal, String> {
        let lit = match self.peek().cloned() {
            Some(Token::Str(s)) => Literal::Str(s),
            Some(Token::Num(n)) => Literal::Num(n),
            Some(Token::Ident(w)) if w == "true" => Literal::Bool(true),
            Some(Token::Ident(w)) if w == "false" => Literal::Bool(false),
            Some(Token::Ident(w)) if w == "null" => Literal::Null,
            _ => return Err(format!("expected a value but found '{}'", self.describe())),
        };
        self.pos += 1;
        Ok(lit)
    }
}

/// A property path (`accessPackage/id`) read from a JSON object; names match without case, as
/// Graph's do (`target/objectid` in its own examples).
pub fn lookup<'a>(item: &'a Value, path: &str) -> &'a Value {
    path.split('/').fold(item, |v, seg| {
        v.get(seg)
            .or_else(|| v.as_object().and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(seg)).map(|(_, x)| x)))
            .unwrap_or(&Value::Null)
    })
}

fn compare(value: &Value, lit: &Literal) -> Option<Ordering> {
    match (value, lit) {
        (Value::String(a), Literal::Str(b)) => Some(a.to_lowercase().cmp(&b.to_lowercase())),
        (Value::Number(a), Literal::Num(b)) => a.as_f64()?.partial_cmp(b),
        (Value::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        (Value::Null, Literal::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

impl Expr {
    /// Whether an item matches. String comparisons ignore case, as Graph's do.
    pub fn matches(&self, item: &Value) -> bool {
        match self {
            Expr::Or(a, b) => a.matches(item) || b.matches(item),
            Expr::And(a, b) => a.matches(item) && b.matches(item),
            Expr::Not(e) => !e.matches(item),
            Expr::Compare(p, op, lit) => {
                let ord = compare(lookup(item, p), lit);
                match op {
                    Op::Eq => ord == Some(Ordering::Equal),
                    Op::Ne => ord != Some(Ordering::Equal),
                    Op::Gt => ord == Some(Ordering::Greater),
                    Op::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
                    Op::Lt => ord == Some(Ordering::Less),
                    Op::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
                }
            }
            Expr::Call(f, p, needle) => {
                let Some(hay) = lookup(item, p).as_str() else {
                    return false;
                };
                let (hay, needle) = (hay.to_lowercase(), needle.to_lowercase());
                match f.as_str() {
                    "startswith" => hay.starts_with(&needle),
                    "endswith" => hay.ends_with(&needle),
                    _ => hay.contains(&needle),
                }
            }
            Expr::In(p, values) => values.iter().any(|v| compare(lookup(item, p), v) == Some(Ordering::Equal)),
        }
    }

    /// The values a filter pins `property` to with `eq` or `in`, so that every match has one of
    /// them (`None` when some match could have another value): `and` needs one side pinned,
    /// `or` both.
    pub fn pinned(&self, property: &str) -> Option<Vec<String>> {
        let text = |l: &Literal| match l {
            Literal::Str(s) => Some(s.clone()),
            _ => None,
        };
        match self {
            Expr::Compare(p, Op::Eq, l) if p.eq_ignore_ascii_case(property) => text(l).map(|s| vec![s]),
            Expr::In(p, values) if p.eq_ignore_ascii_case(property) => values.iter().map(text).collect(),
            Expr::And(a, b) => a.pinned(property).or_else(|| b.pinned(property)),
            Expr::Or(a, b) => Some([a.pinned(property)?, b.pinned(property)?].concat()),
            _ => None,
        }
    }

    /// Every (property, operation) the expression uses, for an endpoint to vet. Operations are
    /// `eq`, `ne`, `gt`, `ge`, `lt`, `le`, `in`, `not`, and the function names.
    pub fn uses(&self) -> Vec<(String, String)> {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => [a.uses(), b.uses()].concat(),
            Expr::Not(e) => [vec![(String::new(), "not".to_string())], e.uses()].concat(),
            Expr::Compare(p, op, _) => vec![(p.clone(), format!("{op:?}").to_lowercase())],
            Expr::Call(f, p, _) => vec![(p.clone(), f.clone())],
            Expr::In(p, _) => vec![(p.clone(), "in".into())],
        }
    }
}

/// Reads `$select`: property names, checked against what the type has.
pub fn parse_select(raw: &str, known: impl Fn(&str) -> bool) -> Result<Vec<String>, String> {
    let mut out = vec![];
    for name in raw.split(',').map(str::trim) {
        if name.is_empty() {
            return Err("$select has an empty property name".into());
        }
        if !known(name) {
            return Err(format!("Could not find a property named '{name}'"));
        }
        out.push(name.to_string());
    }
    Ok(out)
}

/// Keeps only the selected properties of an object (`@odata.*` annotations stay).
pub fn project(item: &Value, select: &[String]) -> Value {
    let Value::Object(map) = item else {
        return item.clone();
    };
    let kept = map.iter().filter(|(k, _)| k.starts_with("@odata.") || select.iter().any(|s| s.eq_ignore_ascii_case(k)));
    Value::Object(kept.map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// Reads `$top`: a whole number from 1 to `max`.
pub fn parse_top(raw: &str, max: usize) -> Result<usize, String> {
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("Invalid page size specified: '{raw}'. Must be between 1 and {max} inclusive.")),
    }
}

/// Reads `$orderby`: `property [asc|desc]`, the property one of `allowed`.
pub fn parse_orderby(raw: &str, allowed: &[&str]) -> Result<(String, bool), String> {
    let mut words = raw.split_whitespace();
    let prop = words.next().ok_or("empty $orderby")?;
    let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(format!("unknown sort direction '{other}'")),
    };
    if words.next().is_some() || !allowed.iter().any(|a| a.eq_ignore_ascii_case(prop)) {
        return Err(format!("$orderby is not supported on '{raw}'"));
    }
    Ok((prop.to_string(), desc))
}

/// Orders items by a property (strings without case; missing values last).
pub fn sort(items: &mut [Value], prop: &str, desc: bool) {
    items.sort_by(|a, b| {
        let (x, y) = (lookup(a, prop), lookup(b, prop));
        let ord = match (x, y) {
            (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
            (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Greater,
            (_, Value::Null) => Ordering::Less,
            _ => Ordering::Equal,
        };
        if desc { ord.reverse() } else { ord }
    });
}

#[cfg(test)]
mod tests;
