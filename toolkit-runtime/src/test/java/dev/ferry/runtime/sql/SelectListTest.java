package dev.ferry.runtime.sql;

import dev.ferry.api.model.Column;
import dev.ferry.api.model.ColumnType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SelectListTest
{
    @Test
    void readsFloatAsDouble()
    {
        Column a = new Column("a", 0, ColumnType.INT, "int(11)", false, false, null, null, false, List.of());
        Column single = new Column("f", 3, ColumnType.FLOAT, "float", false, true, null, null, false, List.of());
        Column dbl = new Column("d", 4, ColumnType.DOUBLE, "double", false, true, null, null, false, List.of());
        Column odd = new Column("we`ird", 5, ColumnType.INT, "int(11)", false, false, null, null, false, List.of());
        assertEquals("`a`, CAST(`f` AS DOUBLE), `d`", SelectList.of(List.of(a, single, dbl)));
        assertEquals("`a`, `we``ird`", SelectList.of(List.of(a, odd)));
    }
}
