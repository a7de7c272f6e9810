<?cs def:mailing_paragraphs(body, styled) ?><?cs each:p = body ?>
<p<?cs if:styled ?> style="margin:0 0 16px;"<?cs /if ?>><?cs each:s = p ?><?cs if:s.Br ?><br><?cs /if ?><?cs if:s.Href ?><a href="<?cs var:s.Href ?>"<?cs if:styled ?> style="color:#1d4f91;"<?cs /if ?>><?cs var:s.Text ?></a><?cs else ?><?cs var:s.Text ?><?cs /if ?><?cs /each ?></p><?cs /each ?>
<?cs /def ?>
