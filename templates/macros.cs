<?cs def:field_error(name) ?><?cs if:Page.Errors[name] ?><p class="field-error" id="<?cs var:name ?>-error"><?cs var:Page.Errors[name] ?></p><?cs /if ?><?cs /def ?><?cs
def:csrf_field() ?><input type="hidden" name="csrf" value="<?cs var:Page.Csrf ?>"><?cs /def ?>
