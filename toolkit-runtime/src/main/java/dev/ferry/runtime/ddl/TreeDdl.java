package dev.ferry.runtime.ddl;

import dev.ferry.api.model.TableName;
import dev.ferry.runtime.ddl.SchemaEvent.Kind;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.ForeignKeyIndex;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.util.TablesNamesFinder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * CREATE TABLE, ALTER TABLE, RENAME TABLE and TRUNCATE, read and printed back with JSQLParser.
 * A rewrite parses the prepared statement afresh, sets every table name in the tree and prints
 * it; a statement JSQLParser does not print back token for token is classified but not rewritten.
 */
final class TreeDdl
{
    private TreeDdl() {}

    static ParsedDdl parse(String sql, String defaultDatabase, List<SqlToken> tokens)
    {
        PreparedDdl prepared = DdlPreParser.prepare(sql, tokens);
        Statement statement = parseTree(sql, prepared);
        Names names = new Names(sql, defaultDatabase, prepared);
        String hidden = unparsedTableText(statement);
        if (hidden != null) {
            throw new UnparseableDdlException(sql, "JSQLParser keeps \"" + prepared.restore(hidden) + "\" as unparsed text, and it may name a table");
        }
        ParsedDdl.Builder builder = classify(statement, slots(statement), names, sql, defaultDatabase);

        String problem = unrewritable(statement);
        if (problem == null) {
            problem = PrintCheck.firstDifference(prepared.sql(), statement.toString());
        }
        String reason = problem;
        return builder.rewriter((tables, databases) -> {
            if (reason != null) {
                throw new UnparseableDdlException(sql, reason);
            }
            // JSQLParser splits names at dots when they are set, so slots get plain words first
            Statement fresh = parseTree(sql, prepared);
            Map<String, String> newNames = new HashMap<>();
            for (Slot slot : slots(fresh)) {
                String word = prepared.freshWord(newNames.size());
                newNames.put(word, tables.apply(names.resolve(slot.text().get())).quoted());
                slot.setter().accept(word);
            }
            try {
                return prepared.restore(fresh.toString(), newNames);
            }
            catch (IllegalStateException e) {
                throw new UnparseableDdlException(sql, e.getMessage(), e);
            }
        }).build();
    }

    private static Statement parseTree(String sql, PreparedDdl prepared)
    {
        Statement statement;
        try {
            statement = CCJSqlParserUtil.newParser(prepared.sql())
                    .withBackslashEscapeCharacter(true)
                    .withUnsupportedStatements(false)
                    .Statement();
        }
        catch (ParseException | RuntimeException e) {
            String where = prepared.sql().equals(sql.strip()) ? ""
                    : " (positions refer to the statement as prepared for JSQLParser: " + UnparseableDdlException.truncate(prepared.sql()) + ")";
            throw new UnparseableDdlException(sql, "JSQLParser: " + firstLines(e.getMessage()) + where, e);
        }
        if (statement instanceof UnsupportedStatement) {
            throw new UnparseableDdlException(sql, "JSQLParser does not support this statement");
        }
        return statement;
    }

    private static ParsedDdl.Builder classify(Statement statement, List<Slot> slots, Names names, String sql, String defaultDatabase)
    {
        if (statement instanceof CreateTable create) {
            ParsedDdl.Builder builder = ParsedDdl.builder(Kind.CREATE_TABLE, sql, defaultDatabase);
            addByRole(builder, slots, names);
            if (create.getSelect() != null) {
                addSelectedTables(builder, create, names);
                builder.caveat("CREATE TABLE ... SELECT: the rows also arrive as row events, so the statement is not rewritten;"
                        + " create the table from its definition instead");
            }
            return builder;
        }
        if (statement instanceof Alter) {
            return addByRole(ParsedDdl.builder(Kind.ALTER_TABLE, sql, defaultDatabase), slots, names);
        }
        if (statement instanceof Truncate) {
            return addByRole(ParsedDdl.builder(Kind.TRUNCATE_TABLE, sql, defaultDatabase), slots, names);
        }
        if (statement instanceof RenameTableStatement) {
            ParsedDdl.Builder builder = ParsedDdl.builder(Kind.RENAME_TABLE, sql, defaultDatabase);
            List<RenameChain.Rename> renames = new ArrayList<>();
            for (int i = 0; i + 1 < slots.size(); i += 2) {
                renames.add(new RenameChain.Rename(names.resolve(slots.get(i).text().get()), names.resolve(slots.get(i + 1).text().get())));
            }
            RenameChain.addNetEffect(renames, builder);
            return builder;
        }
        throw new UnparseableDdlException(sql, "JSQLParser reads it as " + statement.getClass().getSimpleName());
    }

    private static void addSelectedTables(ParsedDdl.Builder builder, CreateTable create, Names names)
    {
        try {
            for (String table : new TablesNamesFinder<Void>().getTables((Statement) create.getSelect())) {
                builder.referenced(names.resolve(table));
            }
        }
        catch (RuntimeException e) {
            // the referenced list is informational; the statement is not rewritten anyway
        }
    }

    private static ParsedDdl.Builder addByRole(ParsedDdl.Builder builder, List<Slot> slots, Names names)
    {
        TableName subject = null;
        for (Slot slot : slots) {
            TableName name = names.resolve(slot.text().get());
            switch (slot.role()) {
                case SUBJECT -> {
                    subject = name;
                    builder.affected(name);
                }
                case NEW_NAME -> {
                    if (!name.equals(subject)) {
                        builder.created(name).dropped(subject).renamed(subject, name);
                    }
                }
                case EXCHANGED -> builder.affected(name);
                case REFERENCE -> builder.referenced(name);
                default -> throw new IllegalStateException("unexpected role " + slot.role());
            }
        }
        if (builder.kind() == Kind.CREATE_TABLE) {
            builder.created(subject);
        }
        return builder;
    }

    private static String unrewritable(Statement statement)
    {
        if (statement instanceof CreateTable create) {
            if (create.getSelect() != null) {
                return "CREATE TABLE ... SELECT is not rewritten: its rows also arrive as row events";
            }
            List<String> options = create.getTableOptionsStrings();
            if (options != null && options.stream().anyMatch("UNION"::equalsIgnoreCase)) {
                return "the table list of a MERGE table (UNION=...) is not rewritten";
            }
        }
        return null;
    }

    /**
     * Text JSQLParser did not parse (an unknown ALTER TABLE option swallows every clause after
     * it) that may hold a table name, which neither classification nor rewriting would see.
     */
    private static String unparsedTableText(Statement statement)
    {
        if (statement instanceof Alter alter) {
            for (AlterExpression expression : alter.getAlterExpressions()) {
                if (expression.getOperation() == AlterOperation.UNSPECIFIC) {
                    List<SqlToken> tokens = SqlTokenizer.tokenize(expression.toString());
                    if (DdlPreParser.mayNameTable(tokens, 0, tokens.size())) {
                        return expression.toString();
                    }
                }
            }
        }
        return null;
    }

    /**
     * Every place in the tree that holds a table name, in statement order.
     */
    private static List<Slot> slots(Statement statement)
    {
        List<Slot> slots = new ArrayList<>();
        if (statement instanceof CreateTable create) {
            slots.add(tableSlot(Role.SUBJECT, create.getTable()));
            if (create.getLikeTable() != null) {
                slots.add(tableSlot(Role.REFERENCE, create.getLikeTable()));
            }
            addColumnReferences(slots, create.getColumnDefinitions());
            addForeignKeys(slots, create.getIndexes());
        }
        else if (statement instanceof Alter alter) {
            slots.add(tableSlot(Role.SUBJECT, alter.getTable()));
            for (AlterExpression expression : alter.getAlterExpressions()) {
                addAlterSlots(slots, expression);
            }
        }
        else if (statement instanceof Truncate truncate) {
            List<Table> tables = truncate.getTables() != null ? truncate.getTables() : List.of(truncate.getTable());
            for (Table table : tables) {
                slots.add(tableSlot(Role.SUBJECT, table));
            }
        }
        else if (statement instanceof RenameTableStatement rename) {
            for (Map.Entry<Table, Table> pair : rename.getTableNames()) {
                slots.add(tableSlot(Role.SUBJECT, pair.getKey()));
                slots.add(tableSlot(Role.NEW_NAME, pair.getValue()));
            }
        }
        return slots;
    }

    private static void addAlterSlots(List<Slot> slots, AlterExpression expression)
    {
        if (expression.getOperation() == AlterOperation.RENAME_TABLE && expression.getNewTableName() != null) {
            slots.add(new Slot(Role.NEW_NAME, expression::getNewTableName, expression::setNewTableName));
        }
        if (expression.getExchangePartitionTableName() != null) {
            slots.add(new Slot(Role.EXCHANGED, expression::getExchangePartitionTableName, expression::setExchangePartitionTableName));
        }
        if (expression.getFkSourceTable() != null) {
            slots.add(new Slot(
                    Role.REFERENCE,
                    () -> expression.getFkSourceSchema() == null ? expression.getFkSourceTable() : expression.getFkSourceSchema() + "." + expression.getFkSourceTable(),
                    word -> {
                        expression.setFkSourceSchema(null);
                        expression.setFkSourceTable(word);
                    }));
        }
        if (expression.getIndex() != null) {
            addForeignKeys(slots, List.of(expression.getIndex()));
        }
        if (expression.getColDataTypeList() != null) {
            addColumnReferences(slots, expression.getColDataTypeList());
        }
    }

    private static void addForeignKeys(List<Slot> slots, List<? extends Index> indexes)
    {
        if (indexes == null) {
            return;
        }
        for (Index index : indexes) {
            if (index instanceof ForeignKeyIndex foreignKey) {
                slots.add(tableSlot(Role.REFERENCE, foreignKey.getTable()));
            }
        }
    }

    /**
     * {@code c INT REFERENCES p (id)}: JSQLParser keeps a column's attributes as words.
     */
    private static void addColumnReferences(List<Slot> slots, List<? extends ColumnDefinition> columns)
    {
        if (columns == null) {
            return;
        }
        for (ColumnDefinition column : columns) {
            List<String> specs = column.getColumnSpecs();
            for (int i = 0; specs != null && i + 1 < specs.size(); i++) {
                if (specs.get(i).equalsIgnoreCase("REFERENCES")) {
                    int at = i + 1;
                    slots.add(new Slot(Role.REFERENCE, () -> specs.get(at), word -> specs.set(at, word)));
                }
            }
        }
    }

    private static Slot tableSlot(Role role, Table table)
    {
        return new Slot(role, table::getFullyQualifiedName, word -> {
            table.setSchemaName(null);
            table.setName(word);
        });
    }

    private static String firstLines(String message)
    {
        if (message == null) {
            return "no reason given";
        }
        int expecting = message.indexOf("Was expecting");
        String head = expecting < 0 ? message : message.substring(0, expecting);
        return head.replaceAll("\\s+", " ").trim();
    }

    private enum Role
    {
        /** The table the statement works on; for RENAME TABLE, the old name of a pair. */
        SUBJECT,
        /** The new name of the preceding subject. */
        NEW_NAME,
        /** The other table of ALTER TABLE ... EXCHANGE PARTITION; its rows change. */
        EXCHANGED,
        /** Read, not changed. */
        REFERENCE,
    }

    private record Slot(Role role, Supplier<String> text, Consumer<String> setter)
    {
        Slot
        {
            requireNonNull(role, "role is null");
            requireNonNull(text, "text is null");
            requireNonNull(setter, "setter is null");
        }
    }

    /**
     * Turns the text of a name in the tree back into a table name.
     */
    private record Names(String sql, String defaultDatabase, PreparedDdl prepared)
    {
        TableName resolve(String text)
        {
            String original = prepared.restore(text);
            TokenCursor cursor = new TokenCursor(SqlTokenizer.tokenize(original));
            TokenCursor.NameSpan name = cursor.name();
            if (name == null || !cursor.atEnd()) {
                throw new UnparseableDdlException(sql, "cannot read a table name from \"" + original + "\"");
            }
            return name.resolve(sql, defaultDatabase);
        }
    }
}
