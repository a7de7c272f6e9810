    <label for="name"><?cs var:Lang.Groups.Name ?> *</label>
    <input id="name" name="name" type="text" required maxlength="100" value="<?cs var:Page.Form.name ?>">
    <label for="description"><?cs var:Lang.Groups.Description ?></label>
    <textarea id="description" name="description" rows="2" maxlength="1000"><?cs var:Page.Form.description ?></textarea>
    <div class="two">
      <div>
        <label for="discount"><?cs var:Lang.Groups.DiscountLabel ?></label>
        <input id="discount" name="discount" type="text" inputmode="decimal" maxlength="20" value="<?cs var:Page.Form.discount ?>" aria-describedby="discount-help">
        <p class="muted" id="discount-help"><?cs var:Lang.Groups.DiscountHelp ?></p>
      </div>
      <div>
        <label for="css_class"><?cs var:Lang.Groups.CssClass ?></label>
        <input id="css_class" name="css_class" type="text" maxlength="64" pattern="[A-Za-z_][A-Za-z0-9_\-]*" value="<?cs var:Page.Form.css_class ?>" aria-describedby="css-help">
        <p class="muted" id="css-help"><?cs var:Lang.Groups.CssClassHelp ?></p>
      </div>
    </div>
