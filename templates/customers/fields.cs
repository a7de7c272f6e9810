<?cs # The fields a new customer, an edited one and the customer's own
   profile share: names, phone, company and VAT number, postal address,
   country and language, with their messages. own: the customer's own
   profile, where the names are required (as at signup) and the browser
   may fill in its owner's details; an admin's form fills in nobody's. ?><?cs
def:fill(own, token) ?> autocomplete="<?cs if:own ?><?cs var:token ?><?cs else ?>off<?cs /if ?>"<?cs /def ?><?cs
def:customer_fields(own) ?>
    <div class="two">
      <div>
        <label for="first_name"><?cs var:Lang.Customers.FirstName ?><?cs if:own ?> *<?cs /if ?></label>
        <input id="first_name" name="first_name" type="text" maxlength="100"<?cs if:own ?> required<?cs /if ?><?cs call:fill(own, "given-name") ?> value="<?cs var:Page.Form.first_name ?>">
        <?cs call:field_error("first_name") ?>
      </div>
      <div>
        <label for="last_name"><?cs var:Lang.Customers.LastName ?><?cs if:own ?> *<?cs /if ?></label>
        <input id="last_name" name="last_name" type="text" maxlength="100"<?cs if:own ?> required<?cs /if ?><?cs call:fill(own, "family-name") ?> value="<?cs var:Page.Form.last_name ?>">
        <?cs call:field_error("last_name") ?>
      </div>
    </div>
    <label for="phone"><?cs var:Lang.Customers.Phone ?></label>
    <input id="phone" name="phone" type="tel" maxlength="32"<?cs call:fill(own, "tel") ?> value="<?cs var:Page.Form.phone ?>">
    <?cs call:field_error("phone") ?>
    <div class="two">
      <div>
        <label for="company"><?cs var:Lang.Customers.Company ?></label>
        <input id="company" name="company" type="text" maxlength="100"<?cs call:fill(own, "organization") ?> value="<?cs var:Page.Form.company ?>">
        <?cs call:field_error("company") ?>
      </div>
      <div>
        <label for="vat_number"><?cs var:Lang.Customers.VatNumber ?></label>
        <input id="vat_number" name="vat_number" type="text" maxlength="32" autocomplete="off" value="<?cs var:Page.Form.vat_number ?>">
        <?cs call:field_error("vat_number") ?>
      </div>
    </div>
    <label for="address"><?cs var:Lang.Customers.Address ?></label>
    <input id="address" name="address" type="text" maxlength="255"<?cs call:fill(own, "street-address") ?> value="<?cs var:Page.Form.address ?>">
    <?cs call:field_error("address") ?>
    <div class="two postal">
      <div>
        <label for="postal_code"><?cs var:Lang.Customers.PostalCode ?></label>
        <input id="postal_code" name="postal_code" type="text" maxlength="20"<?cs call:fill(own, "postal-code") ?> value="<?cs var:Page.Form.postal_code ?>">
        <?cs call:field_error("postal_code") ?>
      </div>
      <div>
        <label for="city"><?cs var:Lang.Customers.City ?></label>
        <input id="city" name="city" type="text" maxlength="100"<?cs call:fill(own, "address-level2") ?> value="<?cs var:Page.Form.city ?>">
        <?cs call:field_error("city") ?>
      </div>
    </div>
    <div class="two">
      <div>
        <label for="country"><?cs var:Lang.Customers.Country ?></label>
        <select id="country" name="country">
          <option value="">—</option>
          <?cs # a country from an import or an older list stays chosen, so saving keeps it ?><?cs
          if:Page.Form.country && !Lang.Countries[Page.Form.country] ?><option value="<?cs var:Page.Form.country ?>" selected><?cs var:Page.Form.country ?></option><?cs /if ?>
          <?cs each:c = Lang.Countries ?><option value="<?cs name:c ?>"<?cs if:Page.Form.country == name(c) ?> selected<?cs /if ?>><?cs var:c ?></option><?cs /each ?>
        </select>
        <?cs call:field_error("country") ?>
      </div>
      <div>
        <label for="language"><?cs var:Lang.Customers.Language ?></label>
        <select id="language" name="language">
          <option value=""<?cs if:!Page.Form.language ?> selected<?cs /if ?>><?cs var:Lang.Customers.LanguageOfShop ?> (<?cs if:Page.ShopLanguage == "en" ?>English<?cs else ?>Français<?cs /if ?>)</option>
          <option value="fr"<?cs if:Page.Form.language == "fr" ?> selected<?cs /if ?>>Français</option>
          <option value="en"<?cs if:Page.Form.language == "en" ?> selected<?cs /if ?>>English</option>
        </select>
        <?cs call:field_error("language") ?>
      </div>
    </div>
<?cs /def ?>
