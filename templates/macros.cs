<?cs def:field_error(name) ?><?cs if:Page.Errors[name] ?><p class="field-error" id="<?cs var:name ?>-error"><?cs var:Page.Errors[name] ?></p><?cs /if ?><?cs /def ?><?cs
def:csrf_field() ?><input type="hidden" name="csrf" value="<?cs var:Page.Csrf ?>"><?cs /def ?><?cs
# one or many after a count: French says "0 client", English "0 customers" ?><?cs
def:plural(count, one, many) ?><?cs if:count == 1 || (count == 0 && Lang.Plural.ZeroIsOne == 1) ?><?cs var:one ?><?cs else ?><?cs var:many ?><?cs /if ?><?cs /def ?>
