package dev.ferry.runtime.ddl;

import dev.ferry.api.model.TableName;
import dev.ferry.runtime.ddl.SqlToken.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks the significant tokens of a statement: comments and versioned-comment markers are
 * skipped, since the server runs what versioned comments hold.
 */
final class TokenCursor
{
    private final List<SqlToken> tokens = new ArrayList<>();
    private int position;

    TokenCursor(List<SqlToken> all)
    {
        for (SqlToken token : all) {
            if (token.type() != Type.COMMENT && token.type() != Type.CONDITIONAL_START && token.type() != Type.CONDITIONAL_END) {
                tokens.add(token);
            }
        }
    }

    boolean atEnd()
    {
        return position >= tokens.size() || (position == tokens.size() - 1 && tokens.get(position).isSymbol(";"));
    }

    /**
     * The next token, or null at the end.
     */
    SqlToken peek()
    {
        return atEnd() ? null : tokens.get(position);
    }

    SqlToken next()
    {
        SqlToken token = peek();
        if (token != null) {
            position++;
        }
        return token;
    }

    boolean peekWord(String word)
    {
        SqlToken token = peek();
        return token != null && token.isWord(word);
    }

    /**
     * Consumes {@code words} if the next tokens are exactly those keywords.
     */
    boolean acceptWords(String... words)
    {
        if (position + words.length > tokens.size()) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            if (!tokens.get(position + i).isWord(words[i])) {
                return false;
            }
        }
        position += words.length;
        return true;
    }

    boolean acceptSymbol(String symbol)
    {
        SqlToken token = peek();
        if (token != null && token.isSymbol(symbol)) {
            position++;
            return true;
        }
        return false;
    }

    /**
     * Reads {@code name} or {@code qualifier.name}; null if no identifier comes next.
     */
    NameSpan name()
    {
        SqlToken first = peek();
        if (first == null || !first.isIdentifier()) {
            return null;
        }
        position++;
        if (position + 1 < tokens.size() && tokens.get(position).isSymbol(".") && tokens.get(position + 1).isIdentifier()) {
            SqlToken second = tokens.get(position + 1);
            position += 2;
            return new NameSpan(first.identifier(), second.identifier(), first.start(), second.end());
        }
        return new NameSpan(null, first.identifier(), first.start(), first.end());
    }

    /**
     * A possibly qualified name and where it sits in the statement text.
     */
    record NameSpan(String qualifier, String name, int start, int end)
    {
        /**
         * @throws UnparseableDdlException if the name is unqualified and there is no default database
         */
        TableName resolve(String sql, String defaultDatabase)
        {
            if (qualifier != null) {
                return new TableName(qualifier, name);
            }
            if (defaultDatabase == null || defaultDatabase.isEmpty()) {
                throw new UnparseableDdlException(sql, "table " + TableName.quoteIdentifier(name) + " is not qualified and no default database is set");
            }
            return new TableName(defaultDatabase, name);
        }
    }
}
