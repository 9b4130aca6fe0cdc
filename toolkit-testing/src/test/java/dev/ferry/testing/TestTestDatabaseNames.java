package dev.ferry.testing;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestTestDatabaseNames
{
    @Test
    void classAndMethodInLowerCaseWithSuffix()
    {
        String name = TestDatabaseNames.generate("dev.ferry.runtime.copy.RowCopierIT", "copiesBlobs", new Random(1));
        assertTrue(name.matches("rowcopierit_copiesblobs_[a-z0-9]{6}"), name);
    }

    @Test
    void nestedClassUsesInnermostName()
    {
        String name = TestDatabaseNames.generate("dev.ferry.CutoverIT$WhenTargetIsReadOnly", "fails", new Random(1));
        assertTrue(name.startsWith("whentargetisreadonly_fails_"), name);
    }

    @Test
    void classLevelDatabaseHasNoMethodPart()
    {
        String name = TestDatabaseNames.generate("dev.ferry.BigTableIT", null, new Random(1));
        assertTrue(name.matches("bigtableit_[a-z0-9]{6}"), name);
    }

    @Test
    void oddCharactersBecomeSingleUnderscores()
    {
        String name = TestDatabaseNames.generate("Weird__Name", "[1] copy-with ünïcode", new Random(1));
        assertTrue(name.matches("weird_name_1_copy_with_n_code_[a-z0-9]{6}"), name);
    }

    @Test
    void emptyBaseFallsBackToTest()
    {
        String name = TestDatabaseNames.generate("$", "___", new Random(1));
        assertTrue(name.matches("test_[a-z0-9]{6}"), name);
    }

    @Test
    void longNamesAreCutTo64Characters()
    {
        String longMethod = "m".repeat(50) + "_" + "x".repeat(50);
        String name = TestDatabaseNames.generate("AVeryLongIntegrationTestClassNameIT", longMethod, new Random(1));
        assertEquals(TestDatabaseNames.MAX_LENGTH, name.length(), name);
        assertTrue(name.matches("[a-z0-9_]+"), name);
        assertTrue(name.startsWith("averylongintegrationtestclassnameit_mmm"), name);
    }

    @Test
    void cutNeverLeavesDoubleUnderscore()
    {
        // the cut lands just after an underscore of the base
        String method = "a".repeat(TestDatabaseNames.MAX_LENGTH - TestDatabaseNames.SUFFIX_LENGTH - 4) + "_bbbb";
        String name = TestDatabaseNames.generate("C", method, new Random(1));
        assertTrue(name.length() <= TestDatabaseNames.MAX_LENGTH, name);
        assertTrue(!name.contains("__"), name);
    }

    @Test
    void repeatedInvocationsGetDistinctNames()
    {
        SplittableRandom random = new SplittableRandom(7);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            names.add(TestDatabaseNames.generate("SameIT", "same", random));
        }
        assertEquals(10_000, names.size());
    }
}
