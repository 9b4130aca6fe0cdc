package dev.ferry.runtime.ddl;

import dev.ferry.runtime.ddl.PreparedDdl.Placeholder;
import dev.ferry.runtime.ddl.SqlToken.Type;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hands out the placeholder words of one statement.
 */
final class Placeholders
{
    private final String prefix;
    private final Map<String, Placeholder> all = new HashMap<>();

    Placeholders(String sql)
    {
        String lower = sql.toLowerCase(Locale.ROOT);
        String candidate = "ferry_hidden_";
        while (lower.contains(candidate)) {
            candidate += "x_";
        }
        this.prefix = candidate;
    }

    SqlToken name(String original, int start, int end)
    {
        return add(new Placeholder(original, false), start, end);
    }

    SqlToken clause(String original, int start, int end)
    {
        return add(new Placeholder(original, true), start, end);
    }

    SqlToken empty()
    {
        return add(new Placeholder("", false), -1, -1);
    }

    Placeholder get(String word)
    {
        return all.get(word);
    }

    /**
     * The text of {@code tokens[from, to)} as the statement had it, earlier placeholders put back.
     */
    String original(List<SqlToken> tokens, int from, int to)
    {
        return DdlPreParser.render(tokens, from, to, this);
    }

    PreparedDdl prepared(String sql)
    {
        return new PreparedDdl(sql, all, prefix);
    }

    private SqlToken add(Placeholder placeholder, int start, int end)
    {
        String word = prefix + all.size();
        all.put(word, placeholder);
        return new SqlToken(Type.WORD, word, start, end);
    }
}
