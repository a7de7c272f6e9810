<?cs # The fields a new customer and an edited one share: names, phone,
   country and language, with their messages. ?><?cs def:customer_fields() ?>
    <div class="two">
      <div>
        <label for="first_name"><?cs var:Lang.Customers.FirstName ?></label>
        <input id="first_name" name="first_name" type="text" maxlength="100" autocomplete="off" value="<?cs var:Page.Form.first_name ?>">
        <?cs call:field_error("first_name") ?>
      </div>
      <div>
        <label for="last_name"><?cs var:Lang.Customers.LastName ?></label>
        <input id="last_name" name="last_name" type="text" maxlength="100" autocomplete="off" value="<?cs var:Page.Form.last_name ?>">
        <?cs call:field_error("last_name") ?>
      </div>
    </div>
    <label for="phone"><?cs var:Lang.Customers.Phone ?></label>
    <input id="phone" name="phone" type="tel" maxlength="32" value="<?cs var:Page.Form.phone ?>">
    <?cs call:field_error("phone") ?>
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
          <option value="fr"<?cs if:Page.Form.language == "fr" ?> selected<?cs /if ?>>Français</option>
          <option value="en"<?cs if:Page.Form.language == "en" ?> selected<?cs /if ?>>English</option>
        </select>
        <?cs call:field_error("language") ?>
      </div>
    </div>
<?cs /def ?>
