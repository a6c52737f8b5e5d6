using Candor.Catalog.Linting.Rules;

namespace Candor.Catalog.Linting;

/// <summary>Every lint rule, in code order. Docs and tests enumerate this list; a code once shipped is never
/// reused for another check, even when its rule is removed.</summary>
internal static class CatalogRules
{
    public static IReadOnlyList<ICatalogRule> All { get; } =
    [
        new FamilyRequiredKeysRule(),
        new FamilyValuesRule(),
        new FamilyLinksRule(),
        new ProductRequiredKeysRule(),
        new ProductIdShapeRule(),
        new DuplicateProductIdRule(),
        new ProductValuesRule(),
        new EventNameShapeRule(),
        new DuplicateEventNameRule(),
        new ConfusableEventNameRule(),
        new EventLevelRule(),
        new EventCategoryRule(),
        new LevelNotCollectedRule(),
        new EventOwnerRule(),
        new EventAddedRule(),
        new EventExpiryRule(),
        new ExpiredEventRule(),
        new EventRetentionRule(),
        new RetentionOverFamilyMaximumRule(),
        new EventSamplingRule(),
        new UndeclaredProductRule(),
        new EventForNoProductRule(),
        new DescriptionRule(),
        new FieldNameShapeRule(),
        new DuplicateFieldNameRule(),
        new FieldTypeRule(),
        new EnumValuesRule(),
        new StringMaxLengthRule(),
        new LongStringRule(),
        new FieldClassificationRule(),
        new ForbiddenClassificationRule(),
        new PersonalDataNameRule(),
        new CommonFieldEnvelopeRule(),
        new MissingCommonEventRule(),
        new CommonEventShapeRule(),
    ];
}
