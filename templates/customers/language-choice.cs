<?cs
# The language an admin reads (customers-me.h's admin_languages): the
# shop's, named in the shop's language (Page.ShopLanguage), or one of
# their own; chosen is the value selected. My account and the team's
# invitation form. ?><?cs
def:language_options(chosen) ?>
      <option value="shop"<?cs if:chosen == "shop" || !chosen ?> selected<?cs /if ?>><?cs var:Lang.Me.LanguageShop ?> (<?cs if:Page.ShopLanguage == "en" ?>English<?cs else ?>Français<?cs /if ?>)</option>
      <option value="fr" lang="fr"<?cs if:chosen == "fr" ?> selected<?cs /if ?>>Français</option>
      <option value="en" lang="en"<?cs if:chosen == "en" ?> selected<?cs /if ?>>English</option><?cs
/def ?>
