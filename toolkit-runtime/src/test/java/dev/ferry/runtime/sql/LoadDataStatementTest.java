package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import dev.ferry.api.model.Row;
import dev.ferry.api.model.TableName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LoadDataStatementTest
{
    @Test
    void statementNamesTheColumnsAndReadsRawBytesWhateverTheSqlMode()
    {
        LoadDataStatement statement = new LoadDataStatement(new TableName("shop", "order`s"), List.of(column("id"), column("note")), StatementTag.NONE);
        assertEquals("LOAD DATA LOCAL INFILE 'ferry-batch' IGNORE INTO TABLE `shop`.`order``s` CHARACTER SET binary "
                + "FIELDS TERMINATED BY 0x09 ESCAPED BY 0x5c LINES TERMINATED BY 0x0a (`id`, `note`)", statement.sql());
    }

    @Test
    void jsonValuesAreConvertedFromTheirBinaryBytes()
    {
        Column json = new Column("doc", 2, ColumnType.JSON, "json", false, true, null, null, false, List.of());
        LoadDataStatement statement = new LoadDataStatement(new TableName("shop", "t"), List.of(column("id"), json, column("tail")), StatementTag.NONE);
        assertEquals("LOAD DATA LOCAL INFILE 'ferry-batch' IGNORE INTO TABLE `shop`.`t` CHARACTER SET binary "
                + "FIELDS TERMINATED BY 0x09 ESCAPED BY 0x5c LINES TERMINATED BY 0x0a (`id`, @ferry_1, `tail`) SET `doc` = CONVERT(@ferry_1 USING utf8mb4)",
                statement.sql());
    }

    @Test
    void escapesOnlyTheDelimitersAndWritesNullAsBackslashN()
    {
        LoadDataStatement statement = new LoadDataStatement(new TableName("db", "t"), List.of(column("a"), column("b"), column("c")), StatementTag.NONE);
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        List<Row> rows = List.of(
                row(bytes("1"), null, bytes("")),
                row(bytes("\\N"), bytes("a\tb\nc\\d"), everyByte));
        statement.encode(rows, 0, 2, new int[] {0, 1, 2});

        StringBuilder expected = new StringBuilder("1\t\\N\t\n\\\\N\ta\\tb\\nc\\\\d\t");
        for (int i = 0; i < 256; i++) {
            switch (i) {
                case '\t' -> expected.append("\\t");
                case '\n' -> expected.append("\\n");
                case '\\' -> expected.append("\\\\");
                default -> expected.append((char) i);
            }
        }
        expected.append('\n');
        assertArrayEquals(expected.toString().getBytes(StandardCharsets.ISO_8859_1), statement.encoded());
    }

    @Test
    void encodesTheRequestedRowsAndColumnPositionsAndReusesItsBuffer()
    {
        LoadDataStatement statement = new LoadDataStatement(new TableName("db", "t"), List.of(column("b"), column("a")), StatementTag.NONE);
        byte[] large = new byte[200_000];
        java.util.Arrays.fill(large, (byte) '\t');
        List<Row> rows = List.of(row(bytes("x"), bytes("y")), row(bytes("1"), large), row(bytes("2"), bytes("3")));
        statement.encode(rows, 1, 2, new int[] {1, 0});
        assertEquals(400_000 + 3, statement.encoded().length);
        statement.encode(rows, 2, 3, new int[] {1, 0});
        assertArrayEquals(bytes("3\t2\n"), statement.encoded());
    }

    private static Column column(String name)
    {
        return new Column(name, 1, ColumnType.VARBINARY, "varbinary(10)", false, true, null, null, false, List.of());
    }

    private static Row row(byte[]... values)
    {
        return Row.wrap(values);
    }

    private static byte[] bytes(String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
