package dev.ferry.runtime.objects;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectStatementsTest
{
    @Test
    void removesTheDefinerClauseOnly()
    {
        assertEquals("CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1 AS `1`",
                ObjectStatements.withoutDefiner("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1 AS `1`"));
        assertEquals("CREATE TRIGGER t AFTER INSERT ON o FOR EACH ROW SET @definer = 1",
                ObjectStatements.withoutDefiner("CREATE DEFINER=`a``b`@`%` TRIGGER t AFTER INSERT ON o FOR EACH ROW SET @definer = 1"));
        assertEquals("CREATE PROCEDURE `p`() SELECT 1", ObjectStatements.withoutDefiner("CREATE PROCEDURE `p`() SELECT 1"));
    }

    @Test
    void rewritesQualifiersOfMovedDatabasesOnly()
    {
        String view = "CREATE VIEW `v` AS select `shop`.`orders`.`id` AS `id` from (`shop`.`orders` join `other`.`x`) where 'shop.orders' <> ''";
        assertEquals("CREATE VIEW `v` AS select `shop2`.`orders`.`id` AS `id` from (`shop2`.`orders` join `other`.`x`) where 'shop.orders' <> ''",
                ObjectStatements.rewriteQualifiers(view, Map.of("shop", "shop2")));
        assertEquals(view, ObjectStatements.rewriteQualifiers(view, Map.of()));
        assertEquals("select `a``b2`.`t`.`c`", ObjectStatements.rewriteQualifiers("select `a``b`.`t`.`c`", Map.of("a`b", "a`b2")));
    }

    @Test
    void definitionsCompareDefinerAside()
    {
        assertEquals(ObjectStatements.definition("CREATE DEFINER=`x`@`%` VIEW `v` AS select 1"),
                ObjectStatements.definition("CREATE DEFINER=`ferry`@`%` VIEW `v` AS select 1"));
    }

    @Test
    void splitsAccountsAtTheLastAt()
    {
        assertEquals("us@er", ObjectStatements.account("us@er@%").orElseThrow()[0]);
        assertEquals("%", ObjectStatements.account("us@er@%").orElseThrow()[1]);
        assertTrue(ObjectStatements.account("role").isEmpty());
        assertFalse(ObjectStatements.account(null).isPresent());
    }

    @Test
    void recognisesPrivilegesThatNameOtherDefiners()
    {
        assertTrue(DefinerCheck.grantsDefinerPrivilege("GRANT SELECT, SET USER ON *.* TO `ferry`@`%`"));
        assertTrue(DefinerCheck.grantsDefinerPrivilege("GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"));
        assertTrue(DefinerCheck.grantsDefinerPrivilege("GRANT SET_USER_ID ON *.* TO `ferry`@`%`"));
        assertFalse(DefinerCheck.grantsDefinerPrivilege("GRANT SELECT, INSERT ON *.* TO `ferry`@`%`"));
        assertFalse(DefinerCheck.grantsDefinerPrivilege("GRANT ALL PRIVILEGES ON `db`.* TO `ferry`@`%`"));
    }
}
