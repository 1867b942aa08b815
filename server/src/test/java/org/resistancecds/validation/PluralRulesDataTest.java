package org.resistancecds.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.text.PluralRules;
import java.util.Locale;
import org.hl7.fhir.utilities.i18n.I18nBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The build keeps of ICU only its classes and the data that is not per-locale formatting (server/pom.xml, "ICU,
 * plural rules only"). The HL7 validator picks its messages' singular or plural form with ICU's PluralRules; these
 * tests fail if the data they read was left out.
 */
class PluralRulesDataTest {

  @ParameterizedTest(name = "{0}: 0 {1}, 1 {2}, 2 {3}, 5 {4}")
  @CsvSource({
    "en, other, one, other, other",
    "fr, one, one, other, other",
    "ru, many, one, few, many",
    "ar, zero, one, two, few",
    "ja, other, other, other, other",
  })
  void rulesOfTheValidatorsMessageLocales(String tag, String zero, String one, String two, String five) {
    PluralRules rules = PluralRules.forLocale(Locale.forLanguageTag(tag));

    assertThat(new String[] {rules.select(0), rules.select(1), rules.select(2), rules.select(5)})
        .containsExactly(zero, one, two, five);
  }

  @Test
  void validatorMessagesTakeTheirSingularAndPluralForms() {
    I18nBase messages = new I18nBase() {};
    messages.setLocale(Locale.ENGLISH);

    assertThat(messages.formatMessagePlural(1, "Bundle_BUNDLE_Entry_Type3", "Basic", "Patient"))
        .isEqualTo("The type 'Basic' is not valid - must be of type Patient");
    assertThat(messages.formatMessagePlural(2, "Bundle_BUNDLE_Entry_Type3", "Basic", "Patient, Group"))
        .isEqualTo("The type 'Basic' is not valid - must be one of 2 types: Patient, Group");
  }
}
