package dev.ferry.api.model;

import dev.ferry.api.model.ForeignKey.Action;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForeignKeyTest
{
    @Test
    void rulesAsInformationSchemaSpellsThem()
    {
        assertEquals(Action.RESTRICT, Action.fromRule("RESTRICT"));
        assertEquals(Action.NO_ACTION, Action.fromRule("NO ACTION"));
        assertEquals(Action.CASCADE, Action.fromRule("CASCADE"));
        assertEquals(Action.SET_NULL, Action.fromRule("SET NULL"));
        assertEquals(Action.SET_DEFAULT, Action.fromRule("set default"));
        // a server without REFERENTIAL_CONSTRAINTS rows (or a LEFT JOIN miss) means the default
        assertEquals(Action.RESTRICT, Action.fromRule(null));
        assertEquals(Action.RESTRICT, Action.fromRule(""));
    }

    @Test
    void unknownRuleNamesTheAcceptedOnes()
    {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Action.fromRule("EXPLODE"));
        assertEquals("unknown referential action \"EXPLODE\"; expected RESTRICT, NO ACTION, CASCADE, SET NULL or SET DEFAULT", e.getMessage());
    }

    @Test
    void onlyCascadeAndSetActionsChangeReferencingRows()
    {
        assertTrue(Action.CASCADE.changesReferencingRows());
        assertTrue(Action.SET_NULL.changesReferencingRows());
        assertTrue(Action.SET_DEFAULT.changesReferencingRows());
        assertFalse(Action.RESTRICT.changesReferencingRows());
        assertFalse(Action.NO_ACTION.changesReferencingRows());
    }

    @Test
    void shortConstructorMeansTheServerDefault()
    {
        ForeignKey key = new ForeignKey("fk", List.of("parent_id"), TableName.parse("db.parent"), List.of("id"));
        assertEquals(Action.RESTRICT, key.onDelete());
        assertEquals(Action.RESTRICT, key.onUpdate());
    }
}
