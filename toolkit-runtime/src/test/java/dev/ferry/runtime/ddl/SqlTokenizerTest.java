package dev.ferry.runtime.ddl;

import dev.ferry.runtime.ddl.SqlToken.Type;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SqlTokenizerTest
{
    @Test
    void splitsWordsQuotedNamesStringsAndSymbols()
    {
        List<SqlToken> tokens = SqlTokenizer.tokenize("ALTER TABLE `a``b`.t1 ADD c VARCHAR(5) DEFAULT 'it''s \\'x\\'' COMMENT \"q\"");

        assertEquals(List.of("ALTER", "TABLE", "`a``b`", ".", "t1", "ADD", "c", "VARCHAR", "(", "5", ")", "DEFAULT", "'it''s \\'x\\''", "COMMENT", "\"q\""),
                tokens.stream().map(SqlToken::text).toList());
        assertEquals(Type.QUOTED_IDENTIFIER, tokens.get(2).type());
        assertEquals("a`b", tokens.get(2).identifier());
        assertEquals(Type.STRING, tokens.get(12).type());
        assertEquals(12, tokens.get(2).start());
        assertEquals(18, tokens.get(2).end());
    }

    @Test
    void recognisesCommentsAndVersionedComments()
    {
        List<SqlToken> tokens = SqlTokenizer.tokenize("/* a */ DROP -- b\nTABLE # c\n/*!32312 IF EXISTS*/ t /*M!100100 x */ a--1");

        assertEquals(List.of(Type.COMMENT, Type.WORD, Type.COMMENT, Type.WORD, Type.COMMENT, Type.CONDITIONAL_START, Type.WORD, Type.WORD,
                        Type.CONDITIONAL_END, Type.WORD, Type.CONDITIONAL_START, Type.WORD, Type.CONDITIONAL_END, Type.WORD, Type.SYMBOL, Type.SYMBOL, Type.WORD),
                tokens.stream().map(SqlToken::type).toList());
        assertEquals("/*!32312", tokens.get(5).text());
        assertEquals("/*M!100100", tokens.get(10).text());
    }

    @Test
    void keepsMultiCharacterOperatorsTogether()
    {
        assertEquals(List.of("j", "->>", "'$.a'", "<=", "1", "<=>", "2", "!=", "3"),
                SqlTokenizer.tokenize("j->>'$.a' <= 1 <=> 2 != 3").stream().map(SqlToken::text).toList());
    }

    @Test
    void rejectsUnterminatedText()
    {
        assertEquals("string starting at offset 2 is not closed", assertThrows(IllegalArgumentException.class, () -> SqlTokenizer.tokenize("a 'b")).getMessage());
        assertEquals("identifier starting at offset 0 is not closed", assertThrows(IllegalArgumentException.class, () -> SqlTokenizer.tokenize("`a``")).getMessage());
        assertEquals("comment starting at offset 2 is not closed", assertThrows(IllegalArgumentException.class, () -> SqlTokenizer.tokenize("a /* b")).getMessage());
        assertEquals("versioned comment is not closed", assertThrows(IllegalArgumentException.class, () -> SqlTokenizer.tokenize("/*!50100 a")).getMessage());
    }
}
