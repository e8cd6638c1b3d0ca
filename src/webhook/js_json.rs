//! `JSON.stringify(JSON.parse(body))` in Rust: what a Node sender (including
//! Genesys' own sample) signs when it hashes the parsed body instead of the raw
//! bytes. The explainer recomputes it to recognise that mistake.

/// `JSON.stringify(JSON.parse(body))`: compact, original key order, JavaScript
/// number and string formatting. `None` when the body is not JSON.
pub fn js_stringify(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut parser = JsParser { text, pos: 0, out: String::with_capacity(text.len()) };
    parser.value()?;
    parser.skip_ws();
    (parser.pos == text.len()).then(|| parser.out.into_bytes())
}

struct JsParser<'a> {
    text: &'a str,
    pos: usize,
    out: String,
}

impl JsParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'{' => self.container(b'}', true),
            b'[' => self.container(b']', false),
            b'"' => self.string(),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            _ => self.number(),
        }
    }

    fn container(&mut self, close: u8, object: bool) -> Option<()> {
        self.out.push(self.peek()? as char);
        self.pos += 1;
        self.skip_ws();
        if self.peek()? == close {
            self.pos += 1;
            self.out.push(close as char);
            return Some(());
        }
        loop {
            if object {
                self.skip_ws();
                self.string()?;
                self.skip_ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.pos += 1;
                self.out.push(':');
            }
            self.value()?;
            self.skip_ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    self.out.push(',');
                }
                c if c == close => {
                    self.pos += 1;
                    self.out.push(close as char);
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn string(&mut self) -> Option<()> {
        let start = self.pos;
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let decoded: String = serde_json::from_str(self.text.get(start..self.pos)?).ok()?;
        self.out.push('"');
        for c in decoded.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c if (c as u32) < 0x20 => self.out.push_str(&format!("\\u{:04x}", c as u32)),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
        Some(())
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        if !self.text.get(self.pos..)?.starts_with(word) {
            return None;
        }
        self.pos += word.len();
        self.out.push_str(word);
        Some(())
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
            self.pos += 1;
        }
        let number: f64 = self.text.get(start..self.pos)?.parse().ok()?;
        if !number.is_finite() {
            return None;
        }
        // JavaScript prints integral values without a fraction (5000.0 -> 5000, 1e3 -> 1000).
        if number == 0.0 {
            self.out.push('0');
        } else if number.fract() == 0.0 && number.abs() < 1e21 {
            self.out.push_str(&format!("{number:.0}"));
        } else {
            self.out.push_str(&format!("{number}"));
        }
        Some(())
    }
}
